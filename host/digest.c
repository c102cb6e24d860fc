/*
 * digest.c — SHA1-based digests for DEBUG DIGEST and DIGEST-VALUE.
 */
#include "digest.h"
#include "ks.h"
#include "server.h"
#include "types.h"

#include <openssl/evp.h>
#include <string.h>

static void sha1_mix(unsigned char acc[20], const void *p, size_t n)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int olen;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
    EVP_DigestUpdate(ctx, acc, 20);
    EVP_DigestUpdate(ctx, p, n);
    EVP_DigestFinal_ex(ctx, out, &olen);
    EVP_MD_CTX_free(ctx);
    memcpy(acc, out, 20);
}

static void xor20(unsigned char *a, const unsigned char *b)
{
    for (int i = 0; i < 20; i++) a[i] ^= b[i];
}

void digest_add(md_digest_t *d, const void *p, size_t n) { sha1_mix(d->seq, p, n); }

void digest_end_seq(md_digest_t *d)
{
    xor20(d->value, d->seq);
    memset(d->seq, 0, sizeof(d->seq));
}

static void hex(const unsigned char *d, char out[41])
{
    static const char h[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        out[i * 2] = h[d[i] >> 4];
        out[i * 2 + 1] = h[d[i] & 15];
    }
    out[40] = '\0';
}

/* Per-key digest: key name, type, value, expire. */
static void entry_digest(ks_entry_t *e, unsigned char out[20])
{
    md_digest_t d;
    memset(&d, 0, sizeof(d));
    md_type_t *t = types_by_id(e->type);
    digest_add(&d, e->key, e->keylen);
    digest_add(&d, t->name, strlen(t->name));
    digest_end_seq(&d);
    if (t->ops.digest) t->ops.digest(&d, e->value);
    digest_end_seq(&d);
    if (e->expire) {
        digest_add(&d, "!!expire!!", 10);
        digest_add(&d, &e->expire, sizeof(e->expire));
        digest_end_seq(&d);
    }
    memcpy(out, d.value, 20);
}

void digest_value(ks_entry_t *e, char out[41])
{
    md_digest_t d;
    memset(&d, 0, sizeof(d));
    md_type_t *t = types_by_id(e->type);
    if (t->ops.digest) t->ops.digest(&d, e->value);
    digest_end_seq(&d);
    hex(d.value, out);
}

static void scan_cb(void *priv, ks_entry_t *e)
{
    unsigned char one[20];
    entry_digest(e, one);
    xor20(priv, one);
}

void digest_dataset(char out[41])
{
    unsigned char acc[20];
    int empty = 1;
    memset(acc, 0, sizeof(acc));
    for (int i = 0; i < srv.databases; i++) {
        ks_db_t *db = &srv.db[i];
        if (!ks_size(db)) continue;
        empty = 0;
        unsigned char dbacc[20];
        memset(dbacc, 0, sizeof(dbacc));
        uint64_t cur = 0;
        do {
            cur = ks_scan(db, cur, scan_cb, dbacc);
        } while (cur);
        int id = i;
        sha1_mix(dbacc, &id, sizeof(id));
        xor20(acc, dbacc);
    }
    if (empty) memset(acc, 0, sizeof(acc));
    hex(acc, out);
}
