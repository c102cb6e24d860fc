/*
 * sdkblock.c — a test module for blocking beyond re-running the same argv
 * (SDK 1.2), driven by tests/integration/test_sdk_block.py. Its type
 * "bkcount" is a counter kept in the value word (an odd tagged integer),
 * so only its own commands serve its waiters.
 *
 *   BK.ADD key n            add n (may be negative) to the counter, signal
 *                           the key; -> the new value
 *   BK.NEXT key timeout_ms  block until the counter passes its value at
 *                           block time (XREAD ... $): the argv is rewritten
 *                           to BK.NEXT key timeout_ms <value>, the re-run
 *                           reads the baseline from argv[3]; private data
 *                           counts re-runs (a new one at each re-block, the
 *                           old one released); -> [value, baseline, reruns],
 *                           on timeout (on_timeout) -> [timeout, baseline,
 *                           reruns]
 *   BK.TAKE key timeout_ms  block until the counter is > 0, then take 1
 *                           (FIFO per key); null timeout reply, no private
 *                           data callbacks; -> the value left
 *   BK.THREAD mode ms [timeout_ms]
 *                           md_block_client + a thread that sleeps ms:
 *                           ctx   -> the thread replies [thread, ms] on
 *                                    md_thread_ctx
 *                           error -> the thread replies -ERR from thread
 *                           priv  -> md_unblock(bc, value), on_reply
 *                                    replies :ms
 *                           nocb  -> like ctx but without on_timeout
 *                                    (CLIENT UNBLOCK cannot unblock it)
 *                           with a timeout, on_timeout replies +TIMEDOUT
 *   BK.HOLD [deadline_ms]   md_block_client without a thread, woken by
 *                           BK.RELEASE (another client) or, past the
 *                           deadline, by the module's cron hook (a timer)
 *   BK.RELEASE value        md_unblock(oldest held, value): the held client
 *                           replies value; -> 1, or 0 when none is held
 *   BK.STATS                -> [private data allocated, released, handles
 *                           the module still has to md_unblock()]
 *   BK.PRIV                 -> md_block_priv() outside a re-run: null
 */
#include <modis.h>

#include <pthread.h>
#include <string.h>
#include <time.h>

static md_type_t *bk_type;
static long long n_alloc, n_free, n_handles;

typedef struct bkpriv {
    long long reruns;
    long long value;          /* BK.THREAD priv / BK.HOLD: what to reply */
    char text[64];
} bkpriv_t;

static bkpriv_t *priv_new(long long reruns)
{
    bkpriv_t *p = md_calloc(sizeof(*p));
    __atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
    p->reruns = reruns;
    return p;
}

static void priv_free(void *p)
{
    __atomic_add_fetch(&n_free, 1, __ATOMIC_RELAXED);
    md_free(p);
}

/* ---- the counter type ---- */

static void bk_free(void *v) { (void)v; }
static long long val_of(void *v) { return (long long)((intptr_t)v >> 1); }
static void *word_of(long long v) { return (void *)(intptr_t)((v << 1) | 1); }

static int counter(md_ctx_t *c, md_arg_t key, long long *v)
{
    md_key_t *k = md_key_open(c, key, MD_READ);
    *v = 0;
    if (!md_key_type(k)) return MD_OK;
    if (md_key_type(k) != bk_type) {
        md_reply_wrongtype(c);
        return MD_ERR;
    }
    *v = val_of(md_key_value(k));
    return MD_OK;
}

static int bk_add(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long n, v;
    (void)argc;
    if (md_parse_ll(c, argv[2], &n) != MD_OK || counter(c, argv[1], &v) != MD_OK) return MD_OK;
    md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
    md_key_set(k, bk_type, word_of(v + n), 1);
    md_key_ready(c, argv[1]);
    md_key_modified(c, k);
    md_dirty(c, 1);
    return md_reply_int(c, v + n);
}

/* ---- BK.NEXT: argv rewrite, private data, custom timeout reply ---- */

static int next_timeout(md_ctx_t *c, void *priv)
{
    bkpriv_t *p = priv;
    md_reply_array(c, 3);
    md_reply_simple(c, "timeout");
    md_reply_int(c, p->value);
    return md_reply_int(c, p->reruns);
}

static int bk_next(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long ms, v, base;
    if (md_parse_ll(c, argv[2], &ms) != MD_OK || counter(c, argv[1], &v) != MD_OK) return MD_OK;
    bkpriv_t *old = md_block_priv(c);
    if (argc == 4) {
        if (md_parse_ll(c, argv[3], &base) != MD_OK) return MD_OK;
    } else {
        base = v;
    }
    if (v > base) {
        md_reply_array(c, 3);
        md_reply_int(c, v);
        md_reply_int(c, base);
        return md_reply_int(c, old ? old->reruns : 0);
    }
    char buf[32];
    md_arg_t rewritten[4] = {argv[0], argv[1], argv[2], {buf, 0}};
    rewritten[3].len = (size_t)md_ll2str(buf, sizeof buf, base);
    bkpriv_t *p = priv_new(old ? old->reruns + 1 : 0);
    p->value = base;
    md_block_t b = {.size = sizeof b, .timeout_ms = ms, .on_timeout = next_timeout,
                    .free_priv = priv_free, .priv = p, .argc = 4, .argv = rewritten};
    if (md_block_on_keys_ex(c, 1, argv + 1, &b) != MD_OK) {
        priv_free(p);
        return md_reply_null_array(c); /* MULTI, md_call: the non-blocking form */
    }
    return MD_OK;
}

/* ---- BK.TAKE: FIFO consumers, the null timeout reply ---- */

static int bk_take(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long ms, v;
    (void)argc;
    if (md_parse_ll(c, argv[2], &ms) != MD_OK || counter(c, argv[1], &v) != MD_OK) return MD_OK;
    if (v > 0) {
        md_key_t *k = md_key_open(c, argv[1], MD_WRITE);
        md_key_set(k, bk_type, word_of(v - 1), 1);
        md_dirty(c, 1);
        return md_reply_int(c, v - 1);
    }
    md_block_t b = {.size = sizeof b, .timeout_ms = ms, .timeout_reply = MD_BLOCK_NULL};
    if (md_block_on_keys_ex(c, 1, argv + 1, &b) != MD_OK) return md_reply_null(c);
    return MD_OK;
}

/* ---- BK.THREAD: a background thread and its reply context ---- */

typedef struct job {
    md_blocked_t *bc;
    long long ms;
    int mode;                 /* 0 ctx, 1 error, 2 priv */
} job_t;

static void *job_main(void *arg)
{
    job_t *j = arg;
    struct timespec ts = {j->ms / 1000, (j->ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    __atomic_sub_fetch(&n_handles, 1, __ATOMIC_RELAXED);
    if (j->mode == 2) {
        bkpriv_t *p = priv_new(0);
        p->value = j->ms;
        md_unblock(j->bc, p);
    } else {
        md_ctx_t *tc = md_thread_ctx(j->bc);
        if (j->mode == 1) {
            md_reply_error(tc, "ERR from thread");
        } else {
            md_reply_array(tc, 2);
            md_reply_bulk(tc, "thread", 6);
            md_reply_int(tc, j->ms);
        }
        md_thread_ctx_free(tc);
        md_unblock(j->bc, NULL);
    }
    md_free(j);
    return NULL;
}

static int thread_reply(md_ctx_t *c, void *priv)
{
    bkpriv_t *p = priv;
    return p ? md_reply_int(c, p->value) : MD_OK;
}

static int timed_out(md_ctx_t *c, void *priv)
{
    (void)priv;
    return md_reply_simple(c, "TIMEDOUT");
}

static int bk_thread(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long ms, tmo = 0;
    int mode = md_arg_eq(argv[1], "ctx") || md_arg_eq(argv[1], "nocb") ? 0
             : md_arg_eq(argv[1], "error") ? 1 : md_arg_eq(argv[1], "priv") ? 2 : -1;
    if (mode < 0) return md_reply_syntax(c);
    if (md_parse_ll(c, argv[2], &ms) != MD_OK) return MD_OK;
    if (argc == 4 && md_parse_ll(c, argv[3], &tmo) != MD_OK) return MD_OK;
    md_block_t b = {.size = sizeof b, .timeout_ms = tmo, .on_reply = thread_reply,
                    .free_priv = priv_free};
    if (!md_arg_eq(argv[1], "nocb")) b.on_timeout = timed_out;
    md_blocked_t *bc = md_block_client(c, &b);
    if (!bc) return md_reply_error(c, "ERR cannot block here");
    __atomic_add_fetch(&n_handles, 1, __ATOMIC_RELAXED);
    job_t *j = md_alloc(sizeof(*j));
    j->bc = bc;
    j->ms = ms;
    j->mode = mode;
    pthread_t t;
    pthread_create(&t, NULL, job_main, j);
    pthread_detach(t);
    return MD_OK;
}

/* ---- BK.HOLD / BK.RELEASE / the cron hook: unblocked by code ---- */

#define MAX_HELD 64
static struct held {
    md_blocked_t *bc;
    int64_t deadline;         /* unix ms, 0 = only BK.RELEASE */
} held[MAX_HELD];
static int nheld;

static int hold_reply(md_ctx_t *c, void *priv)
{
    bkpriv_t *p = priv;
    return md_reply_bulk(c, p->text, strlen(p->text));
}

static void release_at(int i, const char *text, size_t len)
{
    bkpriv_t *p = priv_new(0);
    memcpy(p->text, text, len < sizeof(p->text) - 1 ? len : sizeof(p->text) - 1);
    md_unblock(held[i].bc, p);
    memmove(&held[i], &held[i + 1], (size_t)(nheld - i - 1) * sizeof(held[0]));
    nheld--;
}

static int bk_hold(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long ms = 0;
    if (argc == 2 && md_parse_ll(c, argv[1], &ms) != MD_OK) return MD_OK;
    if (nheld == MAX_HELD) return md_reply_error(c, "ERR too many held clients");
    md_block_t b = {.size = sizeof b, .on_reply = hold_reply, .on_timeout = timed_out,
                    .free_priv = priv_free};
    md_blocked_t *bc = md_block_client(c, &b);
    if (!bc) return md_reply_error(c, "ERR cannot block here");
    held[nheld].bc = bc;
    held[nheld].deadline = ms ? md_mstime() + ms : 0;
    nheld++;
    return MD_OK;
}

static int bk_release(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc;
    if (!nheld) return md_reply_int(c, 0);
    release_at(0, argv[1].ptr, argv[1].len);
    return md_reply_int(c, 1);
}

static void bk_cron(md_ctx_t *c)
{
    (void)c;
    int64_t now = md_mstime();
    for (int i = 0; i < nheld; i++)
        if (held[i].deadline && held[i].deadline <= now) release_at(i--, "cron", 4);
}

static int bk_stats(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    md_reply_array(c, 3);
    md_reply_int(c, __atomic_load_n(&n_alloc, __ATOMIC_RELAXED));
    md_reply_int(c, __atomic_load_n(&n_free, __ATOMIC_RELAXED));
    return md_reply_int(c, __atomic_load_n(&n_handles, __ATOMIC_RELAXED) + nheld);
}

static int bk_priv(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    return md_block_priv(c) ? md_reply_int(c, 1) : md_reply_null(c);
}

static const md_command_t bk_commands[] = {
    {.name = "bk.add", .handler = bk_add, .arity = 3, .flags = "write denyoom",
     .first_key = 1, .last_key = 1, .step = 1},
    {.name = "bk.next", .handler = bk_next, .arity = -3, .flags = "readonly blocking",
     .first_key = 1, .last_key = 1, .step = 1},
    {.name = "bk.take", .handler = bk_take, .arity = 3, .flags = "write blocking",
     .first_key = 1, .last_key = 1, .step = 1},
    {.name = "bk.thread", .handler = bk_thread, .arity = -3, .flags = "readonly blocking"},
    {.name = "bk.hold", .handler = bk_hold, .arity = -1, .flags = "readonly blocking"},
    {.name = "bk.release", .handler = bk_release, .arity = 2, .flags = "readonly"},
    {.name = "bk.stats", .handler = bk_stats, .arity = 1, .flags = "readonly"},
    {.name = "bk.priv", .handler = bk_priv, .arity = 1, .flags = "readonly"},
    {.name = NULL}};

static const md_type_ops_t bk_ops = {.size = sizeof(md_type_ops_t), .free = bk_free};

static int bk_on_load(int argc, const md_arg_t *argv)
{
    (void)argc, (void)argv;
    bk_type = md_type_register("bkcount", &bk_ops);
    if (!bk_type || md_commands_register(bk_commands) != MD_OK ||
        md_cron_register(bk_cron) != MD_OK)
        return MD_ERR;
    return MD_OK;
}

static const char *const bk_types[] = {"bkcount", NULL};

MD_MODULE(bk_on_load, .name = "sdkblock", .version = 1,
          .description = "blocking with private data, by code and threads (tests)",
          .types = bk_types)
