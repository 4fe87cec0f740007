/* Unit tests for retired leaves: kept until a batch is full, then removed together and waited
 * for until the kernel counts no dying cgroup below the parent. Needs root and cgroup2; skips
 * (saying why) otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cgroup_fixture.h"
#include "run/cgroup.h"
#include "run/cgroup_retire.h"
#include "util/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *root;   /* the cgroup2 mount, NULL when absent */
static char *parent; /* this test's run parent */
static const char *skip_reason;

static int need_cgroup(void)
{
	if (skip_reason) {
		printf("skipped: %s\n", skip_reason);
		skip();
	}
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void make_leaf(const char *name, struct cgroup_leaf *l)
{
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(cgroup_leaf_create(parent, name, l, &d), 0);
	diag_list_release(&d);
}

static void test_batch_then_flush_waits_for_teardown(void **state)
{
	(void)state;
	need_cgroup();
	struct cgroup_retired r;
	cgroup_retired_init(&r);
	char paths[CGROUP_RETIRE_BATCH][64];
	size_t n = CGROUP_RETIRE_BATCH - 1;
	for (size_t i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "d%zu", i);
		struct cgroup_leaf l;
		make_leaf(name, &l);
		snprintf(paths[i], sizeof(paths[i]), "%s", l.path);
		assert_false(cgroup_retired_full(&r));
		cgroup_retired_add(&r, &l);
		assert_null(l.path); /* taken over */
		assert_int_equal(l.dir_fd, -1);
	}
	/* room for one more leaf, not for a dispatch's two */
	assert_true(cgroup_retired_full(&r));
	for (size_t i = 0; i < n; i++)
		assert_true(exists(paths[i])); /* retired, not removed yet */

	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(cgroup_retired_flush(&r, parent, CGROUP_RETIRE_SETTLE_MS, &d), 0);
	assert_int_equal(d.len, 0);
	for (size_t i = 0; i < n; i++)
		assert_false(exists(paths[i]));
	/* the kernel finished tearing all of them down before the flush returned */
	assert_int_equal(cgroup_dying_descendants(parent), 0);
	assert_false(cgroup_retired_full(&r));
	/* an empty flush does nothing */
	assert_int_equal(cgroup_retired_flush(&r, parent, CGROUP_RETIRE_SETTLE_MS, &d), 0);
	diag_list_release(&d);
}

static void test_overflow_removes_at_once(void **state)
{
	(void)state;
	need_cgroup();
	struct cgroup_retired r;
	cgroup_retired_init(&r);
	struct cgroup_leaf l;
	for (size_t i = 0; i < CGROUP_RETIRE_BATCH; i++) {
		char name[16];
		snprintf(name, sizeof(name), "o%zu", i);
		make_leaf(name, &l);
		cgroup_retired_add(&r, &l);
	}
	make_leaf("extra", &l);
	char *path = strdup(l.path);
	cgroup_retired_add(&r, &l);
	assert_null(l.path);
	assert_false(exists(path)); /* no room: removed instead of dropped */
	free(path);
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(cgroup_retired_flush(&r, NULL, 0, &d), 0);
	diag_list_release(&d);
}

static void test_flush_reports_what_it_cannot_remove(void **state)
{
	(void)state;
	need_cgroup();
	struct cgroup_retired r;
	cgroup_retired_init(&r);
	struct cgroup_leaf l;
	make_leaf("busy", &l);
	char *path = strdup(l.path), *inner = NULL;
	assert_true(asprintf(&inner, "%s/inner", path) > 0);
	assert_int_equal(mkdir(inner, 0755), 0); /* a child cgroup: rmdir says EBUSY */
	cgroup_retired_add(&r, &l);
	make_leaf("kept", &l);
	char *kept = strdup(l.path);
	cgroup_retired_add(&r, &l);
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(cgroup_retired_flush(&r, parent, CGROUP_RETIRE_SETTLE_MS, &d), -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "cgroup.remove");
	char want[512];
	snprintf(want, sizeof(want), "cannot remove cgroup '%s': Device or resource busy", path);
	assert_string_equal(d.items[0].message, want);
	assert_false(exists(kept)); /* the others are removed all the same */
	assert_int_equal(rmdir(inner), 0);
	assert_int_equal(rmdir(path), 0);
	free(kept);
	free(inner);
	free(path);
	diag_list_release(&d);
}

static void test_dying_descendants_of_a_non_cgroup(void **state)
{
	(void)state;
	assert_int_equal(cgroup_dying_descendants("/nonexistent"), -1);
	assert_int_equal(cgroup_dying_descendants("/proc"), -1);
}

static int setup(void **state)
{
	(void)state;
	cgroup_fixture_create(&root, &parent, &skip_reason);
	if (!skip_reason && cgroup_dying_descendants(parent) < 0)
		skip_reason = "cgroup.stat has no nr_dying_descendants (Linux before 5.0)";
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return cgroup_fixture_remove(&root, &parent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_batch_then_flush_waits_for_teardown),
	    cmocka_unit_test(test_overflow_removes_at_once),
	    cmocka_unit_test(test_flush_reports_what_it_cannot_remove),
	    cmocka_unit_test(test_dying_descendants_of_a_non_cgroup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
