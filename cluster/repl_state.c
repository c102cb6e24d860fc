/*
 * repl_state.c — the replication ids. See repl_state.h.
 */
#include "cluster/repl_state.h"
#include "host/server.h"
#include "host/util.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int repl_del_sync_files(void)
{
    return srv.repl.del_sync_files && !(srv.save_params && srv.save_params[0]) &&
           !srv.appendonly;
}

repl_state_t repl;

static void random_hex(char *out, int n)
{
    unsigned char r[REPL_ID_LEN / 2];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(r, 1, sizeof(r), f) : 0;
    if (f) fclose(f);
    uint64_t x = util_hash(srv.runid, 40) ^ (uint64_t)util_ustime();
    for (size_t i = got; i < sizeof(r); i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        r[i] = (unsigned char)(x >> 56);
    }
    for (int i = 0; i < n / 2; i++) snprintf(out + i * 2, 3, "%02x", r[i]);
}

void repl_change_replid(void) { random_hex(repl.replid, REPL_ID_LEN); }

void repl_clear_replid2(void)
{
    memset(repl.replid2, '0', REPL_ID_LEN);
    repl.replid2[REPL_ID_LEN] = '\0';
    repl.second_repl_offset = -1;
}

