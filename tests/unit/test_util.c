/* Unit tests for the small utilities: units, sha256, templates, JSON pointers, string buffers,
 * the clock and file reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/clock.h"
#include "util/file_read.h"
#include "util/json_pointer.h"
#include "util/number_format.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/template.h"
#include "util/write_all.h"
#include "util/xalloc.h"
#include "util/units.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_durations(void **state)
{
	(void)state;
	int64_t ms;
	assert_int_equal(parse_duration_ms("300s", &ms), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(parse_duration_ms("5m", &ms), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(parse_duration_ms("1h30m", &ms), 0);
	assert_int_equal(ms, 5400000);
	assert_int_equal(parse_duration_ms("250ms", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(parse_duration_ms("1m30s250ms", &ms), 0);
	assert_int_equal(ms, 90250);
	assert_int_equal(parse_duration_ms("", &ms), -1);
	assert_int_equal(parse_duration_ms("5", &ms), -1);
	assert_int_equal(parse_duration_ms("s", &ms), -1);
	assert_int_equal(parse_duration_ms("5d", &ms), -1);
	assert_int_equal(parse_duration_ms("99999999999999999999s", &ms), -1);
	assert_int_equal(parse_duration_ms("9223372036854775s", &ms), 0);
	assert_int_equal(parse_duration_ms("9223372036854776s", &ms), -1); /* ms overflow */
}

static void test_sizes(void **state)
{
	(void)state;
	uint64_t b;
	assert_int_equal(parse_size_bytes("128", &b), 0);
	assert_int_equal(b, 128);
	assert_int_equal(parse_size_bytes("4KiB", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(parse_size_bytes("16 MiB", &b), 0);
	assert_int_equal(b, 16u * 1024 * 1024);
	assert_int_equal(parse_size_bytes("1.5KiB", &b), 0);
	assert_int_equal(b, 1536);
	assert_int_equal(parse_size_bytes("2KB", &b), 0);
	assert_int_equal(b, 2000);
	assert_int_equal(parse_size_bytes("1.3B", &b), -1); /* not whole bytes */
	assert_int_equal(parse_size_bytes("4kib", &b), -1);
	assert_int_equal(parse_size_bytes("KiB", &b), -1);
	assert_int_equal(parse_size_bytes("99999999999GiB", &b), -1);
	assert_int_equal(parse_size_bytes("1.", &b), -1);
}

static void test_format_duration(void **state)
{
	(void)state;
	char buf[32];
	format_duration_ms(850, buf, sizeof(buf));
	assert_string_equal(buf, "850ms");
	format_duration_ms(42000, buf, sizeof(buf));
	assert_string_equal(buf, "42s");
	format_duration_ms(300000, buf, sizeof(buf));
	assert_string_equal(buf, "5m");
	format_duration_ms(5400000, buf, sizeof(buf));
	assert_string_equal(buf, "1h30m");
	format_duration_ms(7205000, buf, sizeof(buf));
	assert_string_equal(buf, "2h0m5s");
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[65];
	sha256_hex("", 0, hex);
	assert_string_equal(hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a' fed in odd-sized pieces crosses every block boundary case */
	struct sha256 s;
	sha256_init(&s);
	char chunk[997];
	memset(chunk, 'a', sizeof(chunk));
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		sha256_update(&s, chunk, n);
		left -= n;
	}
	sha256_final_hex(&s, hex);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static const char *lookup_ab(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "a") == 0)
		return "1";
	if (strcmp(name, "b_c") == 0)
		return "two";
	return NULL;
}

static void expect_expand(const char *in, int final, const char *out)
{
	struct strbuf sb;
	strbuf_init(&sb);
	size_t off = 99;
	assert_int_equal(template_expand(in, lookup_ab, NULL, final, &sb, &off), 0);
	assert_string_equal(sb.buf, out);
	strbuf_release(&sb);
}

static void test_template(void **state)
{
	(void)state;
	expect_expand("x{a}y{b_c}z", 1, "x1ytwoz");
	expect_expand("{unknown}/{a}", 1, "{unknown}/1");
	expect_expand("{{a}} {{{a}}}", 1, "{a} {1}");
	/* a staged expansion keeps escapes for the stage that finishes the job */
	expect_expand("{{a}} {unknown}", 0, "{{a}} {unknown}");
	struct strbuf sb;
	strbuf_init(&sb);
	size_t off = 0;
	assert_int_equal(template_expand("ab{c", lookup_ab, NULL, 1, &sb, &off), -1);
	assert_int_equal(off, 2);
	assert_int_equal(template_expand("ab}c", lookup_ab, NULL, 1, &sb, &off), -1);
	assert_int_equal(off, 2);
	assert_int_equal(template_expand("{}", lookup_ab, NULL, 1, &sb, &off), -1);
	assert_int_equal(template_expand("{A}", lookup_ab, NULL, 1, &sb, &off), -1);
	strbuf_release(&sb);
}

static void test_json_pointer(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	json_pointer_push_key(&sb, "a/b");
	size_t mark = sb.len;
	json_pointer_push_key(&sb, "m~n");
	assert_string_equal(sb.buf, "/a~1b/m~0n");
	json_pointer_pop(&sb, mark);
	json_pointer_push_index(&sb, 3);
	assert_string_equal(sb.buf, "/a~1b/3");
	strbuf_release(&sb);

	struct json_object *root = json_tokener_parse("{\"a/b\": [1, 2, {\"m~n\": null}]}");
	int found;
	struct json_object *v = json_pointer_resolve(root, "/a~1b/1", &found);
	assert_true(found);
	assert_int_equal(json_object_get_int(v), 2);
	v = json_pointer_resolve(root, "/a~1b/2/m~0n", &found);
	assert_true(found);
	assert_null(v);
	json_pointer_resolve(root, "/a~1b/01", &found);
	assert_false(found);
	json_pointer_resolve(root, "/missing", &found);
	assert_false(found);
	assert_ptr_equal(json_pointer_resolve(root, "", &found), root);
	json_object_put(root);
}

static void test_strbuf_xml_escaped(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_add_xml_escaped(&sb, "a<b>&\"c'\x01\td\n");
	strbuf_add_xml_escaped(&sb, NULL);
	assert_string_equal(sb.buf, "a&lt;b&gt;&amp;&quot;c&#39;\td\n");
	strbuf_release(&sb);
}

static void test_strbuf(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i % 10);
	assert_int_equal(sb.len, 2000);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "x");
	char *s = strbuf_detach(&sb);
	assert_string_equal(s, "x");
	assert_string_equal(sb.buf, "");
	free(s);
	strbuf_release(&sb);
}

static void test_clock_monotonic(void **state)
{
	(void)state;
	int64_t a = clock_monotonic_ns();
	/* sleep 2 ms on the same clock, so the difference has a known lower bound */
	struct timespec ts = {0, 2 * CLOCK_NS_PER_MS};
	while (nanosleep(&ts, &ts) != 0)
		;
	int64_t b = clock_monotonic_ns();
	assert_true(a > 0);
	assert_true(b - a >= 2 * CLOCK_NS_PER_MS);
	/* signed: an interval taken the wrong way round is negative, not a huge unsigned value */
	assert_true(a - b < 0);
	int64_t ms = clock_monotonic_ms();
	assert_true(ms >= b / CLOCK_NS_PER_MS);
	assert_true(ms <= clock_monotonic_ns() / CLOCK_NS_PER_MS);
}

static void test_clock_realtime(void **state)
{
	(void)state;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts); /* the test's own reading to compare with */
	int64_t t = clock_realtime_ns();
	int64_t ref = (int64_t)ts.tv_sec * CLOCK_NS_PER_SEC + ts.tv_nsec;
	assert_true(t >= ref);
	assert_true(t - ref < 10 * CLOCK_NS_PER_SEC);
	assert_true(t > INT64_C(1600000000) * CLOCK_NS_PER_SEC); /* after September 2020 */
}

/* A new temporary file holding text; returns its path (caller unlinks and frees). */
static char *temp_file(const char *text)
{
	char *path = strdup("/tmp/tare-test-util-XXXXXX");
	assert_non_null(path);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void check_lines(const char *text, const char *first, const char *last)
{
	char *path = temp_file(text);
	char *line = (char *)"unset";
	assert_int_equal(file_read_first_line(path, &line), 0);
	if (first)
		assert_string_equal(line, first);
	else
		assert_null(line);
	free(line);
	line = (char *)"unset";
	assert_int_equal(file_read_last_line(path, &line), 0);
	if (last)
		assert_string_equal(line, last);
	else
		assert_null(line);
	free(line);
	unlink(path);
	free(path);
}

static void test_file_read_lines(void **state)
{
	(void)state;
	check_lines("performance\n", "performance", "performance");
	check_lines("1", "1", "1"); /* no trailing newline */
	check_lines("a\nb\nc\n", "a", "c");
	check_lines("a\nb\nlast without newline", "a", "last without newline");
	check_lines("{\"x\":1}\n\n\n", "{\"x\":1}", "{\"x\":1}"); /* empty lines are not last */
	check_lines("\nsecond\n", "", "second");
	check_lines("", NULL, NULL);
	check_lines("\n\n", "", NULL);
}

static void test_file_read_missing(void **state)
{
	(void)state;
	char *line = (char *)"unset";
	errno = 0;
	assert_int_equal(file_read_first_line("/nonexistent/tare/file", &line), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(line);
	line = (char *)"unset";
	errno = 0;
	assert_int_equal(file_read_last_line("/nonexistent/tare/file", &line), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(line);
}

static void test_format_ms(void **state)
{
	(void)state;
	char buf[64];
	assert_string_equal(format_ms(buf, sizeof(buf), 12.3456), "12.346");
	assert_string_equal(format_ms(buf, sizeof(buf), 0.0), "0.000");
	assert_string_equal(format_ms(buf, sizeof(buf), -1.5), "-1.500");
	assert_string_equal(format_ms(buf, sizeof(buf), NAN), "n/a");
	assert_ptr_equal(format_ms(buf, sizeof(buf), 1.0), buf);
}

static char *vformat(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void test_xalloc_formats(void **state)
{
	(void)state;
	char *s = xasprintf("%s/%03d", "work", 42);
	assert_string_equal(s, "work/042");
	free(s);
	s = vformat("%zu of %s", (size_t)3, "five");
	assert_string_equal(s, "3 of five");
	free(s);
}

/* An allocation that cannot be satisfied ends the process with one message and exit code 5. */
static void test_xalloc_dies(void **state)
{
	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	/* ASan reports an impossible allocation itself instead of returning NULL */
	skip();
#endif
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		volatile size_t huge = SIZE_MAX / 2;
		free(xmalloc(huge));
		_exit(0);
	}
	close(fds[1]);
	char buf[256] = "";
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(n > 0);
	assert_non_null(strstr(buf, "tare: out of memory ("));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 5);
}

static void test_write_all(void **state)
{
	(void)state;
	char *path = temp_file("");
	int fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	/* larger than a pipe or page, so a short write would lose data */
	size_t len = 1 << 20;
	char *buf = malloc(len);
	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)('a' + i % 26);
	assert_int_equal(write_all(fd, buf, len), 0);
	assert_int_equal(write_all(fd, "", 0), 0);
	close(fd);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, (off_t)len);
	errno = 0;
	assert_int_equal(write_all(-1, buf, 1), -1);
	assert_int_equal(errno, EBADF);
	free(buf);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_durations),       cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_format_duration), cmocka_unit_test(test_sha256_vectors),
	    cmocka_unit_test(test_template),        cmocka_unit_test(test_json_pointer),
	    cmocka_unit_test(test_strbuf),          cmocka_unit_test(test_strbuf_xml_escaped),
	    cmocka_unit_test(test_clock_monotonic), cmocka_unit_test(test_clock_realtime),
	    cmocka_unit_test(test_file_read_lines), cmocka_unit_test(test_file_read_missing),
	    cmocka_unit_test(test_format_ms),       cmocka_unit_test(test_xalloc_formats),
	    cmocka_unit_test(test_xalloc_dies),     cmocka_unit_test(test_write_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
