/* Unit tests for the spawn helper's messages: a request and a result survive the trip field for
 * field (NULLs, an empty vector, a leaf, diagnostics), and every truncation, a wrong magic, a
 * trailing byte or an impossible count is refused with a diagnostic and nothing left owned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/spawn_wire.h"
#include "util/diag.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

static void encode_sample_request(struct strbuf *sb, bool with_leaf)
{
	char *argv[] = {"/bin/prog", "--flag", "", "a b", NULL};
	char *env[] = {"A=1", "EMPTY=", NULL};
	struct cgroup_leaf leaf = {"/sys/fs/cgroup/tare.1/d7", 4242, 9};
	struct spawn_request req = {
	    .argv = argv,
	    .env = env,
	    .cwd = "/tmp/work",
	    .stdout_path = "/tmp/work/stdout.txt",
	    .stderr_path = NULL,
	    .output_keep = 65536,
	    .timeout_ms = 1500,
	    .grace_ms = -1,
	    .leaf = with_leaf ? &leaf : NULL,
	    .no_clone3 = true,
	};
	spawn_wire_request_encode(&req, sb);
}

static void test_request_round_trip(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	encode_sample_request(&sb, true);
	struct diag_list d;
	diag_list_init(&d);
	struct spawn_wire_request w;
	assert_int_equal(spawn_wire_request_decode(sb.buf, sb.len, &w, &d), 0);
	assert_int_equal(d.len, 0);
	const struct spawn_request *r = &w.req;
	assert_string_equal(r->argv[0], "/bin/prog");
	assert_string_equal(r->argv[2], "");
	assert_string_equal(r->argv[3], "a b");
	assert_null(r->argv[4]);
	assert_string_equal(r->env[1], "EMPTY=");
	assert_null(r->env[2]);
	assert_string_equal(r->cwd, "/tmp/work");
	assert_string_equal(r->stdout_path, "/tmp/work/stdout.txt");
	assert_null(r->stderr_path);
	assert_int_equal(r->output_keep, 65536);
	assert_int_equal(r->timeout_ms, 1500);
	assert_int_equal(r->grace_ms, -1);
	assert_true(r->no_clone3);
	assert_null(r->interrupted);
	assert_null(r->memory_leaf);
	assert_ptr_equal(r->leaf, &w.leaf);
	assert_string_equal(w.leaf.path, "/sys/fs/cgroup/tare.1/d7");
	assert_int_equal(w.leaf.id, 4242);
	assert_int_equal(w.leaf.dir_fd, -1); /* the fd travels beside the bytes, not in them */
	spawn_wire_request_release(&w);
	strbuf_release(&sb);
	diag_list_release(&d);
}

static void test_request_without_leaf_or_env(void **state)
{
	(void)state;
	char *argv[] = {"true", NULL};
	struct spawn_request req = {.argv = argv};
	struct strbuf sb;
	strbuf_init(&sb);
	spawn_wire_request_encode(&req, &sb);
	struct diag_list d;
	diag_list_init(&d);
	struct spawn_wire_request w;
	assert_int_equal(spawn_wire_request_decode(sb.buf, sb.len, &w, &d), 0);
	assert_null(w.req.env);
	assert_null(w.req.cwd);
	assert_null(w.req.leaf);
	assert_false(w.has_leaf);
	assert_string_equal(w.req.argv[0], "true");
	spawn_wire_request_release(&w);
	strbuf_release(&sb);
	diag_list_release(&d);
}

/* Every proper prefix, and the whole with a byte more, is not a request. */
static void test_request_damaged(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	encode_sample_request(&sb, true);
	strbuf_addch(&sb, 'x');
	for (size_t len = 0; len <= sb.len; len++) {
		if (len == sb.len - 1)
			continue; /* the request itself */
		struct diag_list d;
		diag_list_init(&d);
		struct spawn_wire_request w;
		assert_int_equal(spawn_wire_request_decode(sb.buf, len, &w, &d), -1);
		assert_int_equal(d.len, 1);
		assert_string_equal(d.items[0].code, "spawn.helper");
		assert_non_null(strstr(d.items[0].message, "damaged request"));
		assert_null(w.argv);
		diag_list_release(&d);
	}
	/* a wrong magic */
	sb.len--;
	sb.buf[0] ^= 1;
	struct diag_list d;
	diag_list_init(&d);
	struct spawn_wire_request w;
	assert_int_equal(spawn_wire_request_decode(sb.buf, sb.len, &w, &d), -1);
	diag_list_release(&d);
	strbuf_release(&sb);
}

/* An argv count far beyond the bytes that follow is refused before it is allocated. */
static void test_request_impossible_count(void **state)
{
	(void)state;
	unsigned char buf[8];
	uint32_t magic = 0x74617251u, n = 0x7fffffffu;
	memcpy(buf, &magic, 4);
	memcpy(buf + 4, &n, 4);
	struct diag_list d;
	diag_list_init(&d);
	struct spawn_wire_request w;
	assert_int_equal(spawn_wire_request_decode(buf, sizeof(buf), &w, &d), -1);
	diag_list_release(&d);
}

static void sample_result(struct spawn_result *res, struct diag_list *d)
{
	spawn_result_init(res);
	res->exit_code = 137;
	res->term_signal = 9;
	res->timed_out = false;
	res->interrupted = true;
	res->exec_failed = true;
	res->exec_errno = 2;
	res->exec_error = strdup("cannot execute './app': No such file or directory");
	res->spawn_ns = 123456;
	res->forked = true;
	res->workload_ns = 2000000;
	res->wall_ns = 2100000;
	res->reaped_ns = 987654321012;
	res->user_us = 11;
	res->sys_us = 22;
	res->max_rss_kb = 65536 + 1700;
	res->max_rss_floor_kb = 1600;
	res->stdout_bytes = UINT64_C(5000000000);
	res->stderr_bytes = 7;
	res->output_truncated = true;
	res->orphans = 3;
	diag_warning(d, "other.before", NULL, "not the helper's");
	diag_error(d, "spawn.output", &(struct diag_loc){"/tmp/x", 3, 4, "/a"},
	           "cannot write output file '%s': %s", "/tmp/x", "No space left on device");
}

static void test_result_round_trip(void **state)
{
	(void)state;
	struct spawn_result in, out;
	struct diag_list src, dst;
	diag_list_init(&src);
	diag_list_init(&dst);
	sample_result(&in, &src);
	struct strbuf sb;
	strbuf_init(&sb);
	spawn_wire_result_encode(-1, &in, &src, 1, &sb);
	int rc = 0;
	assert_int_equal(spawn_wire_result_decode(sb.buf, sb.len, &rc, &out, &dst), 0);
	assert_int_equal(rc, -1);
	assert_int_equal(out.exit_code, 137);
	assert_int_equal(out.term_signal, 9);
	assert_false(out.timed_out);
	assert_true(out.interrupted);
	assert_true(out.exec_failed);
	assert_int_equal(out.exec_errno, 2);
	assert_string_equal(out.exec_error, in.exec_error);
	assert_int_equal(out.spawn_ns, 123456);
	assert_true(out.forked);
	assert_int_equal(out.workload_ns, 2000000);
	assert_int_equal(out.wall_ns, 2100000);
	assert_int_equal(out.reaped_ns, 987654321012); /* the otlp window compares it */
	assert_int_equal(out.user_us, 11);
	assert_int_equal(out.sys_us, 22);
	assert_int_equal(out.max_rss_kb, 65536 + 1700);
	assert_int_equal(out.max_rss_floor_kb, 1600);
	assert_true(out.stdout_bytes == UINT64_C(5000000000));
	assert_int_equal(out.stderr_bytes, 7);
	assert_true(out.output_truncated);
	assert_int_equal(out.orphans, 3);
	/* only the diagnostics from `first` on travel */
	assert_int_equal(dst.len, 1);
	assert_int_equal(dst.items[0].severity, DIAG_ERROR);
	assert_string_equal(dst.items[0].code, "spawn.output");
	assert_string_equal(dst.items[0].file, "/tmp/x");
	assert_int_equal(dst.items[0].line, 3);
	assert_int_equal(dst.items[0].column, 4);
	assert_string_equal(dst.items[0].pointer, "/a");
	assert_string_equal(dst.items[0].message,
	                    "cannot write output file '/tmp/x': No space left on device");
	spawn_result_release(&in);
	spawn_result_release(&out);
	diag_list_release(&src);
	diag_list_release(&dst);
	strbuf_release(&sb);
}

/* A truncated result adds no diagnostic of the helper's, only the one saying it is damaged. */
static void test_result_damaged(void **state)
{
	(void)state;
	struct spawn_result in;
	struct diag_list src;
	diag_list_init(&src);
	sample_result(&in, &src);
	struct strbuf sb;
	strbuf_init(&sb);
	spawn_wire_result_encode(0, &in, &src, 0, &sb);
	for (size_t len = 0; len < sb.len; len++) {
		struct diag_list d;
		diag_list_init(&d);
		struct spawn_result out;
		int rc = 0;
		assert_int_equal(spawn_wire_result_decode(sb.buf, len, &rc, &out, &d), -1);
		assert_int_equal(rc, -1);
		assert_int_equal(d.len, 1);
		assert_non_null(strstr(d.items[0].message, "damaged result"));
		assert_null(out.exec_error);
		diag_list_release(&d);
	}
	spawn_result_release(&in);
	diag_list_release(&src);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_round_trip),
	    cmocka_unit_test(test_request_without_leaf_or_env),
	    cmocka_unit_test(test_request_damaged),
	    cmocka_unit_test(test_request_impossible_count),
	    cmocka_unit_test(test_result_round_trip),
	    cmocka_unit_test(test_result_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
