/* A dispatch's workload argv and env: the built-in workload's flags, or the matrix's command with
 * its placeholders resolved (ARCHITECTURE §3, §4). */
#ifndef TARE_PLAN_WORKLOAD_ARGV_H
#define TARE_PLAN_WORKLOAD_ARGV_H

#include "plan/arena.h"
#include "plan/plan.h"
#include "util/strbuf.h"

/* Fills pd->argv/argc and pd->env/env_len for dispatch pd (whose cell, arm, phase, round and index
 * are already set). Every placeholder but {work_dir} and {trace_out} is substituted; "{{" and "}}"
 * are kept as they are so that the runner's final expansion turns them into single braces
 * (collapsing them here would let "{{work_dir}}" become a placeholder later). The strings and
 * arrays are allocated from arena; scratch is a work buffer the caller reuses across calls.
 * Returns 0, or -1 with errors in d (an unknown placeholder or malformed template, which the
 * matrix loader normally rejects first). */
int plan_workload_resolve(const struct matrix *m, struct arena *arena, struct strbuf *scratch,
                          struct plan_dispatch *pd, struct diag_list *d);

#endif
