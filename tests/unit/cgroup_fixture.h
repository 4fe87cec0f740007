/* The cgroup run parent that unit tests needing real cgroups share: created below the cgroup2
 * root when the test can, else the reason it cannot (the test then skips). */
#ifndef TARE_TESTS_CGROUP_FIXTURE_H
#define TARE_TESTS_CGROUP_FIXTURE_H

#include "run/cgroup.h"
#include "util/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Sets *root and *parent, or *skip_reason (and leaves what it could not create NULL). */
static inline void cgroup_fixture_create(char **root, char **parent, const char **skip_reason)
{
	struct diag_list d;
	diag_list_init(&d);
	if (geteuid() != 0)
		*skip_reason = "needs root to create cgroups";
	else if (cgroup_hierarchy_find(root, &d) < 0)
		*skip_reason = "no cgroup v2 hierarchy mounted";
	else if (cgroup_parent_create(*root, parent, &d) < 0)
		*skip_reason = "cannot create a cgroup below the cgroup2 root";
	diag_list_release(&d);
}

/* Removes the parent (printing why not) and frees both paths; 0, or -1 when it stayed. */
static inline int cgroup_fixture_remove(char **root, char **parent)
{
	struct diag_list d;
	diag_list_init(&d);
	int rc = *parent ? cgroup_parent_remove(*parent, &d) : 0;
	diag_print_text(stderr, &d);
	diag_list_release(&d);
	free(*parent);
	free(*root);
	*parent = *root = NULL;
	return rc;
}

#endif
