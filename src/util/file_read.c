/* Reading one line of a small text file. */
#include "util/file_read.h"

#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

static void chomp(char *s, ssize_t n)
{
	if (n > 0 && s[n - 1] == '\n')
		s[n - 1] = '\0';
}

int file_read_first_line(const char *path, char **line)
{
	*line = NULL;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t cap = 0;
	ssize_t n = getline(line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(*line);
		*line = NULL;
		return 0;
	}
	chomp(*line, n);
	return 0;
}

int file_read_last_line(const char *path, char **line)
{
	*line = NULL;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char *cur = NULL;
	size_t cap = 0;
	ssize_t n;
	/* forward rather than seeking back from the end: these files are small */
	while ((n = getline(&cur, &cap, f)) >= 0) {
		chomp(cur, n);
		if (!*cur)
			continue;
		free(*line);
		*line = xstrdup(cur);
	}
	free(cur);
	fclose(f);
	return 0;
}
