/* Did-you-mean: the known name closest to a misspelt one (Damerau-Levenshtein distance). */
#ifndef TARE_UTIL_SUGGEST_H
#define TARE_UTIL_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b: insertions, deletions, substitutions and transpositions of two
 * adjacent bytes each cost 1 (the "optimal string alignment" variant). ASCII letters compare
 * case-insensitively: 'Williams' is 0 edits from 'williams', since a wrong case is a typo too. */
size_t suggest_distance(const char *a, const char *b);

/* Returns the candidate closest to word (borrowed from candidates), or NULL when none is close
 * enough to be a plausible typo: the distance may be at most 1 for words up to 4 characters, 2
 * up to 8 and 3 beyond, and less than the length of the candidate. Ties go to the earliest
 * candidate; NULL entries are skipped. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

#endif
