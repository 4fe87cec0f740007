/* A workload's output stream kept in bounded memory: its first and last N bytes and the count of
 * all bytes, written out as head, a marker line and tail (docs/dispatch.md, "Output"). */
#ifndef TARE_RUN_OUTPUT_KEEP_H
#define TARE_RUN_OUTPUT_KEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matrix/matrix.h"

/* the matrix's output.keep bounds (the floor leaves room for the marker inside the bound) */
#define OUTPUT_KEEP_DEFAULT ((size_t)MATRIX_DEFAULT_OUTPUT_KEEP)
#define OUTPUT_KEEP_MIN     ((size_t)MATRIX_MIN_OUTPUT_KEEP)
#define OUTPUT_KEEP_MAX     ((size_t)MATRIX_MAX_OUTPUT_KEEP)

/* Caller-provided: output_keep_init/output_keep_release. Memory grows with what arrives, up to
 * 2 × keep bytes. */
struct output_keep {
	size_t keep; /* bytes kept at each end */
	char *head;  /* the first min(total, keep) bytes */
	size_t head_len;
	char *tail;       /* a ring of the last bytes after the head, keep bytes once full */
	size_t tail_len;  /* bytes in the ring (<= keep) */
	size_t tail_next; /* where the next byte goes once the ring is full */
	uint64_t total;   /* every byte added */
};

/* keep: bytes kept at each end, clamped to [OUTPUT_KEEP_MIN, OUTPUT_KEEP_MAX]; 0 means
 * OUTPUT_KEEP_DEFAULT. Allocates nothing until bytes arrive. */
void output_keep_init(struct output_keep *k, size_t keep);
void output_keep_release(struct output_keep *k);

/* Counts n bytes and keeps what belongs to the head or the tail. */
void output_keep_add(struct output_keep *k, const char *buf, size_t n);

/* Some bytes are not kept: more than 2 × keep arrived. */
bool output_keep_truncated(const struct output_keep *k);

/* Writes what is kept to fd: all bytes when nothing was dropped; else the head, shortened so that
 * the file stays within 2 × keep bytes, then the line "[… N bytes not kept …]" (on a line of its
 * own), then the last keep bytes. Returns 0, or -1 with errno. */
int output_keep_write(const struct output_keep *k, int fd);

#endif
