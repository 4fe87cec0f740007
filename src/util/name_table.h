/* Enum names: one table per enum, looked up both ways. */
#ifndef TARE_UTIL_NAME_TABLE_H
#define TARE_UTIL_NAME_TABLE_H

#include <stddef.h>
#include <string.h>

#define NAME_TABLE_LEN(t) (sizeof(t) / sizeof((t)[0]))

/* The index of name in names[0..n), or -1 (also for a NULL name). */
static inline int name_table_find(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

#endif
