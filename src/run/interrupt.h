/* The run's interruption flag: SIGINT, SIGTERM, SIGHUP (a dropped SSH session) and SIGQUIT set it;
 * the runner ends the dispatch in flight and the session stops before the next one (exit 130,
 * resumable). */
#ifndef TARE_RUN_INTERRUPT_H
#define TARE_RUN_INTERRUPT_H

#include <signal.h>

/* Installs the handlers (without SA_RESTART, so blocking calls return EINTR and notice), ignores
 * SIGPIPE, and returns the flag the handlers set, cleared. Workloads get the default dispositions
 * back (run/spawn.c resets every signal in the child). */
volatile sig_atomic_t *run_interrupt_install(void);

#endif
