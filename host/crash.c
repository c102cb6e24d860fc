/*
 * crash.c — the report a fatal signal leaves in the log.
 *
 * Invariants: the handler runs on its own stack (sigaltstack), so a
 * fault caused by an exhausted or damaged stack still gets a report; it
 * only calls async-signal-safe functions (open, write, mincore, raise)
 * plus backtrace()/backtrace_symbols_fd(), whose library is loaded at
 * start-up so the handler never dlopens; it formats numbers itself.
 * When the faulting instruction address is not mapped (a jump into a
 * module that was unloaded, or through a bad function pointer) the
 * unwinder cannot start from it: the handler then rewrites the saved
 * context as if the call had returned (the caller's address is on the
 * stack, or in the link register) so the backtrace starts at the caller,
 * and puts the context back before the signal is raised again with its
 * default action (the process dies with the same signal, core included).
 * Lines have Redis's signal-handler form: "pid:signal-handler (unixtime) text".
 */
#define _GNU_SOURCE /* REG_RIP, REG_RSP */
#include "crash.h"
#include "server.h"

#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define ALT_STACK_SIZE (64 * 1024)

static const char *crash_version = "";
static int crash_fd = -1; /* where the report goes, for one crash */

/* ---- async-signal-safe output ---- */

static void put(const char *s) { (void)!write(crash_fd, s, strlen(s)); }

static void put_dec(long long v)
{
    char buf[24], *p = buf + sizeof(buf);
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    *--p = '\0';
    do *--p = (char)('0' + u % 10); while ((u /= 10) != 0);
    if (v < 0) *--p = '-';
    put(p);
}

static void put_hex(uintptr_t v)
{
    char buf[2 + 2 * sizeof(v) + 1], *p = buf + sizeof(buf);
    *--p = '\0';
    do *--p = "0123456789abcdef"[v & 15]; while ((v >>= 4) != 0);
    *--p = 'x';
    *--p = '0';
    put(p);
}

/* Start a log line in Redis's signal-handler form. */
static void line_start(void)
{
    put_dec((long long)getpid());
    put(":signal-handler (");
    put_dec((long long)time(NULL));
    put(") ");
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    default: return "signal";
    }
}

/* Whether the page holding addr is mapped (mincore fails with ENOMEM on
 * an unmapped range). */
static int is_mapped(uintptr_t addr)
{
    long page = sysconf(_SC_PAGESIZE);
    unsigned char vec;
    void *base = (void *)(addr & ~(uintptr_t)(page - 1));
    return mincore(base, (size_t)page, &vec) == 0;
}

/* ---- the saved context ---- */

typedef struct saved_regs {
    uintptr_t pc, sp;
    int changed;
} saved_regs_t;

static uintptr_t context_pc(ucontext_t *uc)
{
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}

/*
 * The fault is at an unmapped pc: make the context look as if the call
 * that went there had returned, so the unwinder starts at the caller.
 * Returns the caller's address (0 when it cannot be known).
 */
static uintptr_t context_unwind_call(ucontext_t *uc, saved_regs_t *save)
{
#if defined(__x86_64__)
    uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    if (!is_mapped(sp)) return 0;
    uintptr_t ret = *(const uintptr_t *)sp; /* pushed by the call */
    save->pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    save->sp = sp;
    save->changed = 1;
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)ret;
    uc->uc_mcontext.gregs[REG_RSP] = (greg_t)(sp + sizeof(uintptr_t));
    return ret;
#elif defined(__aarch64__)
    uintptr_t ret = (uintptr_t)uc->uc_mcontext.regs[30]; /* the link register */
    save->pc = (uintptr_t)uc->uc_mcontext.pc;
    save->sp = (uintptr_t)uc->uc_mcontext.sp;
    save->changed = 1;
    uc->uc_mcontext.pc = ret;
    return ret;
#else
    (void)uc;
    (void)save;
    return 0;
#endif
}

static void context_restore(ucontext_t *uc, const saved_regs_t *save)
{
    if (!save->changed) return;
#if defined(__x86_64__)
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)save->pc;
    uc->uc_mcontext.gregs[REG_RSP] = (greg_t)save->sp;
#elif defined(__aarch64__)
    uc->uc_mcontext.pc = save->pc;
#else
    (void)uc;
#endif
}

/* ---- the handler ---- */

static void report_fault(int sig, siginfo_t *info, uintptr_t pc)
{
    line_start();
    put("Modis ");
    put(crash_version);
    put(" crashed by signal: ");
    put_dec(sig);
    put(" (");
    put(signal_name(sig));
    put("), si_code: ");
    put_dec(info->si_code);
    put("\n");
    if (sig == SIGSEGV || sig == SIGBUS) {
        line_start();
        put("Accessing address: ");
        put_hex((uintptr_t)info->si_addr);
        put("\n");
    }
    if (info->si_code == SI_USER) {
        line_start();
        put("Killed by PID: ");
        put_dec((long long)info->si_pid);
        put(", UID: ");
        put_dec((long long)info->si_uid);
        put("\n");
    }
    if (pc) {
        line_start();
        put("Crashed running the instruction at: ");
        put_hex(pc);
        put("\n");
    }
}

/* ---- the fast memory test (crash-memcheck-enabled) ----
 *
 * As Redis runs it after the report: every anonymous read-write mapping
 * but the stacks, vdso and vsyscall is tested page by page, each page
 * saved on the handler's stack, filled with patterns that are read back,
 * and restored, so it holds its old contents again when the test moves
 * on. Other threads are not stopped (Redis stops only its bio threads).
 * Only open, read, write and memory accesses. */

#define PAGE 4096
#define MAX_REGIONS 512

/* Parse a hex number at *p, leaving *p after it. */
static uintptr_t hex(const char **p)
{
    uintptr_t v = 0;
    for (;;) {
        char c = **p;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return v;
        v = v * 16 + (uintptr_t)d;
        (*p)++;
    }
}

/* Does the line [s, e) contain `word`? */
static int has(const char *s, const char *e, const char *word)
{
    size_t n = strlen(word);
    for (; s + n <= e; s++)
        if (!memcmp(s, word, n)) return 1;
    return 0;
}

/* One page: patterns written and read back (all ones, all zeros,
 * alternating bits, each word's own address); its contents restored.
 * 1 when a read differs. */
static int test_page(volatile uintptr_t *w)
{
    uintptr_t saved[PAGE / sizeof(uintptr_t)];
    const size_t n = PAGE / sizeof(uintptr_t);
    int bad = 0;
    memcpy(saved, (const void *)w, PAGE);
    static const uintptr_t fills[] = {~(uintptr_t)0, 0, (uintptr_t)0x5555555555555555ULL,
                                      (uintptr_t)0xaaaaaaaaaaaaaaaaULL};
    for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
        for (size_t i = 0; i < n; i++) w[i] = fills[f];
        for (size_t i = 0; i < n; i++) bad |= w[i] != fills[f];
    }
    for (size_t i = 0; i < n; i++) w[i] = (uintptr_t)&w[i];
    for (size_t i = 0; i < n; i++) bad |= w[i] != (uintptr_t)&w[i];
    memcpy((void *)w, saved, PAGE);
    return bad;
}

/* Test every anonymous read-write mapping but the one holding the
 * handler's own stack (the alternate stack, or the thread's); the number
 * of pages that failed. */
static int memtest(void)
{
    static char maps[256 * 1024];
    static uintptr_t lo[MAX_REGIONS], hi[MAX_REGIONS];
    int mfd = open("/proc/self/maps", O_RDONLY);
    if (mfd < 0) return 0;
    size_t len = 0;
    ssize_t r;
    while (len < sizeof(maps) - 1 && (r = read(mfd, maps + len, sizeof(maps) - 1 - len)) > 0)
        len += (size_t)r;
    close(mfd);
    int regions = 0;
    uintptr_t here = (uintptr_t)&regions;
    for (const char *s = maps, *end = maps + len; s < end && regions < MAX_REGIONS;) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e) e = end;
        const char *p = s;
        uintptr_t a = hex(&p);
        if (*p == '-') p++;
        uintptr_t b = hex(&p);
        /* Anonymous (device 00:00) read-write mappings, not the stacks. */
        if (has(p, e, " rw") && has(p, e, "00:00") && !has(p, e, "stack") &&
            !has(p, e, "vdso") && !has(p, e, "vsyscall") && !(a <= here && here < b)) {
            lo[regions] = a;
            hi[regions++] = b;
            put("*** Preparing to test memory region ");
            put_hex(a);
            put(" (");
            put_dec((long long)(b - a));
            put(" bytes)\n");
        }
        s = e + 1;
    }
    int errors = 0;
    for (int j = 0; j < regions; j++) {
        put(".");
        for (uintptr_t pg = lo[j]; pg + PAGE <= hi[j]; pg += PAGE)
            errors += test_page((volatile uintptr_t *)pg);
        put(errors ? "E" : "O");
    }
    put("\n");
    return errors;
}

static void on_fatal(int sig, siginfo_t *info, void *secret)
{
    ucontext_t *uc = secret;
    saved_regs_t save = {0, 0, 0};
    /* crash-log-enabled no: no report (SA_RESETHAND restored the default). */
    if (!srv.hostconf.crash_log_enabled) raise(sig);
    int to_stdout = !srv.logfile || srv.logfile[0] == '\0';
    crash_fd = to_stdout ? STDOUT_FILENO : open(srv.logfile, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (crash_fd < 0) crash_fd = STDERR_FILENO;
    put("\n\n=== MODIS BUG REPORT START: Cut & paste starting from here ===\n");
    uintptr_t pc = uc ? context_pc(uc) : 0;
    report_fault(sig, info, pc);
    if (pc && !is_mapped(pc)) {
        uintptr_t caller = context_unwind_call(uc, &save);
        line_start();
        put("The instruction address is not mapped (a call into unloaded or invalid code); "
            "called from: ");
        put_hex(caller);
        put("\n");
    }
    put("\n------ STACK TRACE ------\nBacktrace:\n");
    void *frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, crash_fd);
    if (uc) context_restore(uc, &save);
#ifndef __SANITIZE_ADDRESS__ /* its shadow memory is terabytes of anonymous mappings */
    if (srv.hostconf.crash_memcheck_enabled) {
        put("\n------ FAST MEMORY TEST ------\n");
        put(memtest() ? "!!! MEMORY ERROR DETECTED! Check your memory ASAP !!!\n"
                : "Fast memory test PASSED, however your memory can still be broken. Please "
                  "run a memory test for several hours if possible.\n");
    }
#endif
    put("\n=== MODIS BUG REPORT END. Make sure to include from START to END. ===\n\n");
    if (crash_fd != STDOUT_FILENO && crash_fd != STDERR_FILENO) close(crash_fd);
    /* SA_RESETHAND restored the default action: die of the same signal. */
    raise(sig);
}

void crash_install(const char *version)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    static char *alt;
    crash_version = version;
    void *warm[2];
    backtrace(warm, 2); /* loads the unwinder now, not inside the handler */
    if (!alt) {
        alt = mmap(NULL, ALT_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
        if (alt == MAP_FAILED) alt = NULL;
    }
    if (alt) {
        stack_t ss = {.ss_sp = alt, .ss_size = ALT_STACK_SIZE, .ss_flags = 0};
        sigaltstack(&ss, NULL);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
    sa.sa_sigaction = on_fatal;
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) sigaction(sigs[i], &sa, NULL);
}
