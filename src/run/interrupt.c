/* Signals that end a run as a flag the run looks at, never as an exit in the middle of a
 * dispatch: an exit there would leave the workload running in its cgroup. */
#include "run/interrupt.h"

#include <string.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

volatile sig_atomic_t *run_interrupt_install(void)
{
	/* SIGHUP is what a dropped SSH session or a closed terminal sends, SIGQUIT is ^\; by
	 * default both end tare at once (SIGQUIT with a core), so they are interruptions like ^C */
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &sa, NULL);
	/* a dropped session also closes the pipe stderr may be: a progress line written into it
	 * must fail with EPIPE, not kill tare with the workload still in its leaf */
	struct sigaction ign;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	interrupted = 0;
	return &interrupted;
}
