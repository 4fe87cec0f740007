/* Arm orders inside a round: rotation, the Williams square, a seeded Fisher–Yates shuffle. */
#include "plan/order.h"

#include <stdbool.h>

static void rotate(size_t k, size_t by, size_t *out)
{
	for (size_t i = 0; i < k; i++)
		out[i] = (i + by) % k;
}

size_t plan_williams_rows(size_t k)
{
	return k % 2 == 0 ? k : 2 * k;
}

/* Williams (1949): the first row 0, 1, k-1, 2, k-2, ... and row i adds i mod k to every entry.
 * For even k that square already has every ordered pair of distinct arms adjacent exactly once;
 * for odd k it needs its rows reversed as well (2k rows, each pair adjacent twice). */
void plan_williams_row(size_t k, size_t row, size_t *out)
{
	size_t first[PLAN_MAX_ARMS];
	size_t lo = 1, hi = k - 1;
	first[0] = 0;
	for (size_t j = 1; j < k; j++)
		first[j] = j % 2 == 1 ? lo++ : hi--;
	row %= plan_williams_rows(k);
	size_t shift = row % k;
	bool reversed = row >= k;
	for (size_t j = 0; j < k; j++) {
		size_t v = (first[j] + shift) % k;
		out[reversed ? k - 1 - j : j] = v;
	}
}

/* splitmix64 (Steele, Lea, Flood 2014): its finaliser mixes a seed, its stream draws. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t splitmix64_next(uint64_t *state)
{
	*state += UINT64_C(0x9e3779b97f4a7c15);
	return mix64(*state);
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

uint64_t plan_random_seed(uint64_t seed, const char *cell_name, int round)
{
	uint64_t x = mix64(seed);
	x = mix64(x ^ fnv1a64(cell_name));
	return mix64(x ^ (uint64_t)(int64_t)round);
}

/* A uniform draw in [0, bound) by rejection, so no residue is favoured (and no floating point,
 * which keeps the result the same on every platform). */
static size_t uniform(uint64_t *state, size_t bound)
{
	uint64_t b = bound;
	uint64_t threshold = (0 - b) % b;
	uint64_t r;
	do
		r = splitmix64_next(state);
	while (r < threshold);
	return (size_t)(r % b);
}

static void shuffle(size_t k, uint64_t state, size_t *out)
{
	for (size_t i = 0; i < k; i++)
		out[i] = i;
	for (size_t i = k - 1; i > 0; i--) {
		size_t j = uniform(&state, i + 1);
		size_t t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
}

void plan_round_order(enum plan_order order, size_t k, int round, uint64_t seed,
                      const char *cell_name, size_t *out)
{
	if (k == 0)
		return;
	size_t r0 = round >= 1 ? (size_t)(round - 1) : 0;
	switch (order) {
	case ORDER_COUNTERBALANCED:
		rotate(k, r0 % k, out);
		return;
	case ORDER_WILLIAMS:
		plan_williams_row(k, r0, out);
		return;
	case ORDER_RANDOM:
		shuffle(k, plan_random_seed(seed, cell_name, round), out);
		return;
	case ORDER_FIXED:
		break;
	}
	rotate(k, 0, out);
}
