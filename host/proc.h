/*
 * proc.h — the process-level settings redis.conf asks of the server: the
 * process title (set-proc-title, proc-title-template), /proc/self/
 * oom_score_adj (oom-score-adj, oom-score-adj-values), transparent huge
 * pages (disable-thp) and CPU affinity (*_cpulist). The values live in
 * srv.hostconf (config_host.c parses them); this file acts on them.
 */
#ifndef MODIS_PROC_H
#define MODIS_PROC_H

/* oom-score-adj values (Redis's names; "yes" means relative). */
enum { PROC_OOM_NO, PROC_OOM_RELATIVE, PROC_OOM_ABSOLUTE };
/* Process classes of oom-score-adj-values, in its order. */
enum { PROC_CLASS_MASTER, PROC_CLASS_REPLICA, PROC_CLASS_BGCHILD };

/* Remember the argv area (argv strings, then the environment, which is
 * moved to the heap) so proc_title_set() may overwrite it. Call once,
 * after the last use of argv's strings. */
void proc_title_init(int argc, char **argv);
/* Expand a proc-title-template with `title` for {title}: a heap string
 * (trimmed of spaces), or NULL when the template is malformed or names an
 * unknown variable. */
char *proc_title_expand(const char *tmpl, const char *title);
/* Redis's check: the template expands (with an empty title) to something
 * not empty. */
int proc_title_valid(const char *tmpl);
/* Set the title from proc-title-template (`title` NULL: the command name
 * the server was started with). As in Redis, set-proc-title only decides
 * whether the server sets it at start-up (config_host_ready()); a changed
 * template and the children set it regardless. 0, or -1 when the template
 * does not expand. */
int proc_title_set(const char *title);

/* Write /proc/self/oom_score_adj for process class `cls` as oom-score-adj
 * says (Redis's setOOMScoreAdj: relative values add to the score the
 * process had before the server first changed it; "no" restores that).
 * 0, or -1 (logged) when the file cannot be read or written. */
int proc_oom_apply(int cls);
/* disable-thp: PR_SET_THP_DISABLE for this process (and its children). */
void proc_thp_apply(void);
/* Bind the calling thread (the process at start-up) to the CPUs of a
 * Redis cpulist ("0,2,4-7,8-15:2"); empty or NULL: no change. An invalid
 * list is logged and ignored, as Redis does. */
void proc_cpulist_apply(const char *list);
/* In a freshly forked child: title, oom score (bgchild) and CPU list
 * for an RDB save (aof 0) or an AOF rewrite (aof 1). */
void proc_child_init(int aof);

#endif
