/* The spawn helper process and tare's side of it: a socketpair, requests and results in
 * chunked SOCK_SEQPACKET messages (the leaf's directory fd beside the first chunk), and the
 * helper's loop around spawn_run. */
#include "run/spawn_helper.h"

#include "run/interrupt.h"
#include "run/spawn_wire.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Well below the default socket buffer (net.core.wmem_default, 208 KiB), which bounds one
 * SOCK_SEQPACKET message; a longer request (a large env) goes in several. */
#define CHUNK_BYTES 16384
/* How long spawn_helper_free waits for the helper to exit after EOF (and again after SIGTERM) */
#define EXIT_WAIT_MS 2000

struct spawn_helper {
	pid_t pid; /* -1 when it was never started */
	int sock;  /* tare's end; -1 once the helper is unavailable */
	char why[160];
};

/* Sends buf[0..len) as one logical message: a first chunk opening with the 8-byte total length
 * (and carrying pass_fd, unless it is -1), then as many chunks as the rest needs. Returns 0 or -1
 * with errno. */
static int send_message(int sock, const char *buf, size_t len, int pass_fd)
{
	uint64_t total = len;
	size_t off = 0;
	bool first = true;
	while (first || off < len) {
		size_t room = first ? CHUNK_BYTES - sizeof(total) : CHUNK_BYTES;
		size_t n = len - off < room ? len - off : room;
		struct iovec iov[2];
		int n_iov = 0;
		if (first)
			iov[n_iov++] = (struct iovec){&total, sizeof(total)};
		iov[n_iov++] = (struct iovec){(void *)(buf + off), n};
		union {
			char bytes[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} control;
		struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n_iov};
		if (first && pass_fd >= 0) {
			memset(&control, 0, sizeof(control));
			msg.msg_control = control.bytes;
			msg.msg_controllen = sizeof(control.bytes);
			struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
		}
		ssize_t w;
		do
			w = sendmsg(sock, &msg, MSG_NOSIGNAL);
		while (w < 0 && errno == EINTR);
		if (w < 0)
			return -1;
		off += n;
		first = false;
	}
	return 0;
}

/* Receives one logical message into out (reset first) and the fd passed with it into *fd (-1
 * when none; close-on-exec). Returns 1, 0 at EOF before a message began, or -1 with errno
 * (EPROTO: chunks that do not make a message). An interrupted call is retried: both sides
 * look at their interruption flags elsewhere (the helper in spawn_run, tare in await_answer). */
static int recv_message(int sock, struct strbuf *out, int *fd)
{
	strbuf_reset(out);
	*fd = -1;
	char *chunk = xmalloc(CHUNK_BYTES);
	uint64_t total = 0;
	bool first = true;
	int rc = -1;
	while (first || out->len < total) {
		union {
			char bytes[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} control;
		struct iovec iov = {chunk, CHUNK_BYTES};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		if (first) {
			msg.msg_control = control.bytes;
			msg.msg_controllen = sizeof(control.bytes);
		}
		ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto done;
		if (n == 0) {
			if (first)
				rc = 0;
			else
				errno = EPROTO;
			goto done;
		}
		size_t got = (size_t)n;
		const char *data = chunk;
		if (first) {
			for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm;
			     cm = CMSG_NXTHDR(&msg, cm))
				if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
				    cm->cmsg_len == CMSG_LEN(sizeof(int)) && *fd < 0)
					memcpy(fd, CMSG_DATA(cm), sizeof(int));
			if (got < sizeof(total)) {
				errno = EPROTO;
				goto done;
			}
			memcpy(&total, chunk, sizeof(total));
			data += sizeof(total);
			got -= sizeof(total);
			first = false;
		}
		if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || got > total - out->len) {
			errno = EPROTO;
			goto done;
		}
		strbuf_add(out, data, got);
	}
	rc = 1;
done:
	if (rc < 0 && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	free(chunk);
	return rc;
}

/* Serves one request: decodes it, runs it, answers. Returns false when tare is gone. */
static bool serve_one(int sock, const struct strbuf *msg, int leaf_fd,
                      volatile sig_atomic_t *interrupted)
{
	struct diag_list d;
	diag_list_init(&d);
	struct spawn_result res;
	spawn_result_init(&res);
	struct spawn_wire_request w;
	int rc = spawn_wire_request_decode(msg->buf, msg->len, &w, &d);
	if (rc == 0 && w.has_leaf && leaf_fd < 0)
		rc =
		    diag_error(&d, "spawn.helper", NULL,
		               "the spawn helper got no directory fd for cgroup '%s'", w.leaf.path);
	if (rc == 0) {
		w.leaf.dir_fd = leaf_fd;
		leaf_fd = -1; /* closed with the request */
		w.req.interrupted = interrupted;
		rc = spawn_run(&w.req, &res, &d);
	}
	if (w.leaf.dir_fd >= 0)
		close(w.leaf.dir_fd);
	if (leaf_fd >= 0)
		close(leaf_fd);
	spawn_wire_request_release(&w);
	struct strbuf out;
	strbuf_init(&out);
	spawn_wire_result_encode(rc, &res, &d, 0, &out);
	bool sent = send_message(sock, out.buf, out.len, -1) == 0;
	strbuf_release(&out);
	spawn_result_release(&res);
	diag_list_release(&d);
	return sent;
}

/* The helper: small on purpose, it never returns. Its stdin and stdout go to /dev/null (it
 * must not hold a pipe tare's reader waits on); stderr stays, for what a sanitizer says. */
static void helper_main(int sock, pid_t tare) __attribute__((noreturn));
static void helper_main(int sock, pid_t tare)
{
	/* SIGTERM when tare dies, so that the workload is stopped as on an interruption; then
	 * the socket's EOF ends the loop */
	volatile sig_atomic_t *interrupted = run_interrupt_install();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != tare)
		_exit(0);
	prctl(PR_SET_NAME, "tare-spawn", 0, 0, 0);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	struct strbuf msg;
	strbuf_init(&msg);
	for (;;) {
		int fd = -1;
		int got = recv_message(sock, &msg, &fd);
		if (got <= 0 || !serve_one(sock, &msg, fd, interrupted))
			break;
	}
	strbuf_release(&msg);
	close(sock);
	exit(0);
}

struct spawn_helper *spawn_helper_start(void)
{
	int sv[2];
	pid_t tare = getpid();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		int err = errno;
		struct spawn_helper *h = xcalloc(1, sizeof(*h));
		h->pid = -1;
		h->sock = -1;
		snprintf(h->why, sizeof(h->why), "cannot create its socket: %s", strerror(err));
		return h;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1], tare);
	}
	int err = errno;
	close(sv[1]);
	struct spawn_helper *h = xcalloc(1, sizeof(*h));
	h->pid = pid;
	h->sock = sv[0];
	if (pid < 0) {
		close(sv[0]);
		h->sock = -1;
		snprintf(h->why, sizeof(h->why), "cannot fork it: %s", strerror(err));
	}
	return h;
}

const char *spawn_helper_unavailable(const struct spawn_helper *h)
{
	if (!h)
		return "it was not started";
	return h->sock < 0 ? h->why : NULL;
}

/* The helper is gone or out of step: no further request goes to it. */
static int helper_lost(struct spawn_helper *h, const char *what, int err, struct diag_list *d)
{
	snprintf(h->why, sizeof(h->why), "it ended (%s: %s)", what,
	         err ? strerror(err) : "end of file");
	close(h->sock);
	h->sock = -1;
	return diag_error(d, "spawn.helper", NULL, "the spawn helper failed: %s", h->why);
}

/* Waits for the helper's answer, forwarding an interruption of tare to it as SIGTERM. Returns
 * 0 when the socket is readable, -1 with errno. */
static int await_answer(const struct spawn_helper *h, volatile sig_atomic_t *interrupted)
{
	bool forwarded = false;
	for (;;) {
		if (interrupted && *interrupted && !forwarded) {
			kill(h->pid, SIGTERM);
			forwarded = true;
		}
		struct pollfd pfd = {.fd = h->sock, .events = POLLIN};
		int r = poll(&pfd, 1, SPAWN_POLL_SLICE_MS);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* the CPU of every workload a helper of this process reaped: tare's RUSAGE_CHILDREN does not see
 * them, since they are the helper's children */
static int64_t workloads_cpu_us;

int64_t spawn_helper_workloads_cpu_us(void)
{
	return workloads_cpu_us;
}

int spawn_helper_run(struct spawn_helper *h, const struct spawn_request *req,
                     struct spawn_result *res, struct diag_list *d)
{
	spawn_result_init(res);
	const char *why = spawn_helper_unavailable(h);
	if (why)
		return diag_error(d, "spawn.helper", NULL, "no spawn helper: %s", why);
	if (req->memory_leaf && req->memory_leaf->path)
		return diag_error(d, "spawn.helper", NULL,
		                  "the spawn helper cannot join cgroup '%s': memory leaves are "
		                  "joined in-process",
		                  req->memory_leaf->path);
	struct strbuf msg;
	strbuf_init(&msg);
	spawn_wire_request_encode(req, &msg);
	int rc = send_message(h->sock, msg.buf, msg.len, req->leaf ? req->leaf->dir_fd : -1);
	if (rc < 0) {
		rc = helper_lost(h, "sending the request", errno, d);
		goto cleanup;
	}
	if (await_answer(h, req->interrupted) < 0) {
		rc = helper_lost(h, "waiting for the result", errno, d);
		goto cleanup;
	}
	int fd = -1;
	int got = recv_message(h->sock, &msg, &fd);
	if (fd >= 0)
		close(fd);
	if (got <= 0) {
		rc = helper_lost(h, "reading the result", got < 0 ? errno : 0, d);
		goto cleanup;
	}
	if (spawn_wire_result_decode(msg.buf, msg.len, &rc, res, d) < 0) {
		close(h->sock);
		h->sock = -1;
		snprintf(h->why, sizeof(h->why), "it sent a damaged result");
		rc = -1;
	} else {
		workloads_cpu_us += res->user_us + res->sys_us;
	}
cleanup:
	strbuf_release(&msg);
	return rc;
}

/* Reaps pid within wait_ms; true when it is gone. */
static bool reap_within(pid_t pid, int64_t wait_ms)
{
	for (int64_t waited = 0;; waited += 5) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return true;
		if (waited >= wait_ms)
			return false;
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	}
}

void spawn_helper_free(struct spawn_helper *h)
{
	if (!h)
		return;
	if (h->sock >= 0)
		close(h->sock);
	/* EOF ends an idle helper at once; one still running a workload stops it on SIGTERM,
	 * and only one that does neither is killed outright */
	if (h->pid > 0 && !reap_within(h->pid, EXIT_WAIT_MS)) {
		kill(h->pid, SIGTERM);
		if (!reap_within(h->pid, EXIT_WAIT_MS)) {
			kill(h->pid, SIGKILL);
			waitpid(h->pid, NULL, 0);
		}
	}
	free(h);
}
