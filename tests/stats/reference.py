#!/usr/bin/python3
"""Independent reference values for the C statistics in src/stats/.

Regenerate with:  /usr/bin/python3 tests/stats/reference.py > tests/stats/expected.json
(Debian's python3-numpy and python3-scipy). The C unit tests read the committed
expected.json, so they need no Python at test time.

Independence: quantiles, moments, MAD, Student t / normal quantiles, OLS and the Theil-Sen
estimator come from numpy/scipy. The Wilcoxon p-value comes from scipy where scipy is exact
(no ties, no zeros) or from scipy's normal approximation (n > 50); with ties or zeros it comes
from brute-force enumeration of every sign assignment. scipy has no Hodges-Lehmann interval, so
the interval is computed here by brute force: all Walsh averages by a double loop, and the null
distribution of W+ by enumerating all 2^n sign vectors (n <= 20), by scipy's own exact table
(20 < n <= 50), or by the normal approximation (n > 50). The bootstrap re-implements
splitmix64/xoshiro256** with Python integers and uses numpy for medians and percentiles.

Power, multiplicity, factorial (issue 10): the minimum detectable shift uses scipy's t quantiles
(polished as below) and the exact achieved confidence from the enumeration above; Debian's scipy
1.10 has no false_discovery_control, so Benjamini-Hochberg is written here from its definition
(q_(i) = min over j >= i of m p_(j) / j); the factorial contrasts are formed per round and go
through the same brute-force Hodges-Lehmann / signed-rank reference; the achieved confidence of
Sen's interval is found by listing every permutation of the residual ranks (n <= 8) against the
interval ends scipy's theilslopes picks; the Mann-Whitney p-values come from
scipy.stats.mannwhitneyu.
"""
import itertools
import json
import math
import sys

import numpy as np
import scipy
import scipy.stats as st
from scipy.stats import _morestats

CONF = 0.95


def num(v):
    """JSON has no NaN: undefined values are null."""
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) or math.isinf(v) else v


# ---------------------------------------------------------------- describe

def describe(name, x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    med = float(np.median(x))
    p = lambda q: float(np.percentile(x, q, method="linear"))
    mad = float(st.median_abs_deviation(x, scale=1.0))
    return {
        "name": name, "x": x.tolist(), "n": n,
        "min": float(x.min()), "max": float(x.max()), "mean": float(np.mean(x)),
        "stdev": num(np.std(x, ddof=1)) if n > 1 else None,
        "median": med, "mad": mad, "mad_scaled": mad * 1.4826,
        "p90": p(90), "p95": p(95), "p99": p(99),
        "p99_is_max": n < 20,
        "tail_ratio": num(p(99) / med) if med != 0 else None,
    }


# ---------------------------------------------------------------- paired

def midranks_doubled(absd):
    """Doubled average ranks of absd (integers), ties sharing their mean rank."""
    return [int(round(2 * r)) for r in st.rankdata(absd)]


def enumerate_sums(weights):
    """W+ for every one of the 2^n sign vectors, listed (not counted): brute force."""
    sums = np.zeros(1, dtype=np.int64)
    for w in weights:
        sums = np.concatenate([sums, sums + w])
    return sums


def exact_cdf_untied(n):
    """P(W+ <= q) for q = 0..M with ranks 1..n."""
    m = n * (n + 1) // 2
    if n <= 20:
        counts = np.bincount(enumerate_sums(range(1, n + 1)), minlength=m + 1)
        pmf = counts / 2.0 ** n
    else:
        pmf = np.asarray(_morestats._get_wilcoxon_distr(n), dtype=float)
    return np.cumsum(pmf)


def hl_reference(d):
    n = len(d)
    walsh = sorted((d[i] + d[j]) / 2.0 for i in range(n) for j in range(i, n))
    m = len(walsh)
    est = float(np.median(walsh))
    alpha = 1.0 - CONF
    if n <= 50:
        cdf = exact_cdf_untied(n)
        q = int(np.argmax(cdf >= alpha / 2))  # R's qsignrank(alpha/2, n)
        if q == 0:
            q = 1
        below = cdf[q - 1]
        method = "exact"
    else:
        mu = n * (n + 1) / 4.0
        sd = math.sqrt(n * (n + 1) * (2 * n + 1) / 24.0)
        q = 1
        while st.norm.cdf((q + 0.5 - mu) / sd) < alpha / 2:
            q += 1
        below = st.norm.cdf((q - 1 + 0.5 - mu) / sd)
        method = "normal"
    return {"hl": est, "k": q, "ci_lo": walsh[q - 1], "ci_hi": walsh[m - q],
            "conf_achieved": 1.0 - 2.0 * below, "ci_method": method}


def wilcoxon_reference(d):
    nz = [v for v in d if v != 0]
    n = len(nz)
    out = {"n_used": n, "n_zeros": len(d) - n}
    if n == 0:
        out.update(w_plus=0.0, p_value=1.0, exact=True, ties=False)
        return out
    w2 = midranks_doubled(np.abs(nz))
    ties = len(set(w2)) < n
    t2 = sum(w for w, v in zip(w2, nz) if v > 0)
    out["w_plus"] = t2 / 2.0
    out["ties"] = ties
    if n <= 20:
        sums = enumerate_sums(w2)
        p = min(1.0, 2.0 * min(np.mean(sums <= t2), np.mean(sums >= t2)))
        if not ties and len(nz) == len(d):
            sp = st.wilcoxon(d, mode="exact").pvalue
            assert abs(sp - p) <= 1e-12 * max(p, 1e-300), (sp, p)
        out.update(p_value=p, exact=True)
    elif n <= 50:
        assert not ties and len(nz) == len(d), "20 < n <= 50 needs untied nonzero data"
        out.update(p_value=float(st.wilcoxon(d, mode="exact").pvalue), exact=True)
    else:
        r = st.wilcoxon(d, zero_method="wilcox", correction=True, mode="approx")
        out.update(p_value=float(r.pvalue), exact=False)
    return out


def paired(name, a, b):
    a = [float(v) for v in a]
    b = [float(v) for v in b]
    d = [bi - ai for ai, bi in zip(a, b)]
    med_a = float(np.median(a))
    rec = {"name": name, "a": a, "b": b, "d": d, "median_a": med_a,
           "median_delta": float(np.median(d))}
    rec.update(hl_reference(d))
    rec["test"] = wilcoxon_reference(d)
    if med_a != 0:
        ends = sorted([rec["ci_lo"] / med_a * 100, rec["ci_hi"] / med_a * 100])
        rec.update(rel_pct=rec["hl"] / med_a * 100, rel_lo=ends[0], rel_hi=ends[1])
    else:
        rec.update(rel_pct=None, rel_lo=None, rel_hi=None)
    return rec


# ---------------------------------------------------------------- slopes

def slope(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    lr = st.linregress(x, y)
    t = st.t.ppf(0.5 + CONF / 2, n - 2)
    ts = st.theilslopes(y, x, alpha=CONF, method="separate")
    nslopes = sum(1 for i in range(n) for j in range(n) if x[j] > x[i])
    return {
        "name": name, "x": x.tolist(), "y": y.tolist(),
        "ols": {"slope": lr.slope, "intercept": lr.intercept, "r2": lr.rvalue ** 2,
                "slope_se": lr.stderr, "slope_lo": lr.slope - t * lr.stderr,
                "slope_hi": lr.slope + t * lr.stderr},
        "theil_sen": {"slope": ts.slope, "intercept": ts.intercept, "slope_lo": num(ts.low_slope),
                      "slope_hi": num(ts.high_slope), "n_slopes": nslopes},
    }


def t_ppf(p, df):
    """scipy's t.ppf (cephes stdtrit) loses up to ~1e-9 relative in the far tails (df = 1 at
    p = 0.9995, df = 3 at p = 1e-6), while scipy's t.cdf / t.sf (incomplete beta) stay accurate.
    So the reference is t.ppf polished by Newton steps on t.cdf (t.sf in the upper tail); for
    df = 1 the exact Cauchy quantile."""
    if df == 1:
        return float(st.cauchy.ppf(p))
    q = float(st.t.ppf(p, df))
    for _ in range(4):
        if p < 0.5:
            step = (st.t.cdf(q, df) - p) / st.t.pdf(q, df)
        else:
            step = ((1 - p) - st.t.sf(q, df)) / st.t.pdf(q, df)
        q -= step
    return float(q)


# ---------------------------------------------------------------- bootstrap

MASK = (1 << 64) - 1


class Xoshiro:
    def __init__(self, seed):
        x = seed & MASK
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        rotl = lambda v, k: ((v << k) | (v >> (64 - k))) & MASK
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        return (self.next() * n) >> 64


def bootstrap(name, d, resamples, seed):
    rng = Xoshiro(seed)
    n = len(d)
    meds = []
    for _ in range(resamples):
        meds.append(float(np.median([d[rng.below(n)] for _ in range(n)])))
    first = Xoshiro(seed)
    return {"name": name, "d": list(d), "resamples": resamples, "seed": seed,
            "estimate": float(np.median(d)),
            "lo": float(np.percentile(meds, 100 * (1 - CONF) / 2, method="linear")),
            "hi": float(np.percentile(meds, 100 * (1 + CONF) / 2, method="linear")),
            "first_outputs": [str(first.next()) for _ in range(4)]}


# ---------------------------------------------------------------- power, multiplicity, factorial

def min_detectable(name, n, sd, power=0.8):
    ach = hl_reference([float(i + 1) for i in range(n)])["conf_achieved"]
    alpha = 1.0 - ach
    mde = math.sqrt(math.pi / 3.0) * (t_ppf(1 - alpha / 2, n - 1) + t_ppf(power, n - 1)) * sd / math.sqrt(n)
    return {"name": name, "n": n, "sd": sd, "power": power, "conf_achieved": ach, "mde": mde}


def min_pairs(conf):
    for n in range(1, 51):
        cdf = exact_cdf_untied(n)
        q = int(np.argmax(cdf >= (1 - conf) / 2))
        below = cdf[max(q, 1) - 1]
        if 1 - 2 * below >= conf - 1e-12:
            return n
    return 0


def bh(name, p):
    """Benjamini & Hochberg (1995) by the definition: sort, scale by m/rank, running minimum
    from the largest p down, capped at 1, back in the original order. NaN (None) is left out."""
    idx = [i for i, v in enumerate(p) if v is not None]
    m = len(idx)
    order = sorted(idx, key=lambda i: (p[i], i))
    q = [None] * len(p)
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, m * p[i] / rank)
        q[i] = running
    return {"name": name, "p": p, "q": q, "family": m}


def contrast_ref(c):
    rec = hl_reference(c)
    rec["test"] = wilcoxon_reference(c)
    return rec


def factorial(name, y00, y10, y01, y11):
    a = [((b - a0) + (d - c)) / 2 for a0, b, c, d in zip(y00, y10, y01, y11)]
    b = [((c - a0) + (d - b1)) / 2 for a0, b1, c, d in zip(y00, y10, y01, y11)]
    ab = [(d - c) - (b1 - a0) for a0, b1, c, d in zip(y00, y10, y01, y11)]
    return {"name": name, "y00": y00, "y10": y10, "y01": y01, "y11": y11,
            "capture": contrast_ref(a), "spans": contrast_ref(b), "interaction": contrast_ref(ab)}


def sen_conf(name, x, y):
    """Coverage of scipy's Sen interval: the number of pairwise slopes below the true slope is
    the number of inversions of the residuals' ranks, each of the n! orders equally likely."""
    ts = st.theilslopes(y, x, alpha=CONF, method="separate")
    n = len(x)
    slopes = sorted((y[j] - y[i]) / (x[j] - x[i]) for i in range(n) for j in range(n) if x[j] > x[i])
    lo = slopes.index(ts.low_slope)
    hi = len(slopes) - 1 - slopes[::-1].index(ts.high_slope)
    hits = total = 0
    for perm in itertools.permutations(range(n)):
        inv = sum(1 for i in range(n) for j in range(i + 1, n) if perm[i] > perm[j])
        total += 1
        hits += lo + 1 <= inv <= hi
    return {"name": name, "x": list(x), "y": list(y), "slope_lo": ts.low_slope,
            "slope_hi": ts.high_slope, "conf_achieved": hits / total}


def mann_whitney(name, base, cur):
    exact = len(set(base + cur)) == len(base + cur) and len(base) <= 50 and len(cur) <= 50
    r = st.mannwhitneyu(cur, base, alternative="two-sided",
                        method="exact" if exact else "asymptotic", use_continuity=True)
    return {"name": name, "base": base, "cur": cur, "p_value": float(r.pvalue), "exact": exact}


# ---------------------------------------------------------------- datasets

def main():
    rng = np.random.default_rng(20240611)
    # rounded so the committed JSON is readable and the C side reads exact values
    base20 = np.round(rng.lognormal(mean=2.3, sigma=0.15, size=20), 4)
    base30 = np.round(rng.lognormal(mean=2.3, sigma=0.15, size=30), 4)
    base60 = np.round(rng.lognormal(mean=1.0, sigma=0.3, size=60), 4)
    shift30 = np.round(base30 + 0.35 + rng.normal(0, 0.4, size=30), 4)
    shift20 = np.round(base20 + 0.2 + rng.normal(0, 0.3, size=20), 4)
    shift60 = np.round(base60 + rng.normal(0.05, 0.2, size=60), 4)

    out = {
        "generator": "tests/stats/reference.py",
        "numpy": np.__version__, "scipy": scipy.__version__,
        "conf": CONF, "quantile_method": "Hyndman-Fan type 7 (numpy method='linear')",
    }
    out["describe"] = [
        describe("one", [5.0]),
        describe("two", [1.0, 3.0]),
        describe("ties5", [2, 2, 2, 5, 9]),
        describe("n8", [12.1, 11.8, 12.4, 13.9, 12.0, 11.7, 12.2, 19.5]),
        describe("negative", [-3.5, -1, 0, 2, -7.25, 4]),
        describe("zeros", [0, 0, 0, 0]),
        describe("offset", [1e9 + 0.25, 1e9 + 0.5, 1e9 + 0.75, 1e9 + 1.5]),
        describe("n20", base20.tolist()),
        describe("n60", base60.tolist()),
    ]
    out["paired"] = [
        paired("n1", [10], [12]),
        paired("n2", [10, 11], [12, 10.5]),
        paired("n3_hand", [10, 10, 10], [11, 13, 12]),
        paired("n5_untied", [20, 21, 19, 22, 20], [20.5, 22.5, 18.75, 24, 23]),
        paired("n6_all_up", [10, 11, 12, 13, 14, 15], [11, 12.5, 12.25, 14.75, 15.5, 15.125]),
        paired("n8_ties_zero", [5, 5, 5, 5, 5, 5, 5, 5], [6, 4, 5, 7, 6, 3, 5, 6]),
        paired("n8_negative", [30, 31, 29, 33, 30, 32, 31, 30],
               [28.5, 29, 28.75, 30.5, 29.75, 30, 31.5, 27]),
        paired("n12_mixed", list(range(100, 112)),
               [100.3, 100.6, 102.5, 102.2, 104.9, 104.1, 106.8, 106.6, 107.2, 110.4, 110.05,
                110.7]),
        paired("n16_ties", [1.0] * 16,
               [1.5, 0.5, 2.0, 1.5, 3.0, 1.0, 2.0, 0.0, 1.5, 2.5, 2.0, 4.0, 1.0, 0.5, 3.0, 2.5]),
        paired("all_zero", [3, 4, 5], [3, 4, 5]),
        paired("n20", base20.tolist(), shift20.tolist()),
        paired("n30", base30.tolist(), shift30.tolist()),
        paired("n60", base60.tolist(), shift60.tolist()),
    ]
    xs20 = np.repeat([1000.0, 2000.0, 4000.0, 8000.0, 16000.0], 4)
    ys20 = np.round(0.05 + 0.00031 * xs20 + rng.normal(0, 0.2, size=20), 4)
    xs60 = np.round(rng.uniform(0, 100, size=60), 2)
    ys60 = np.round(5.0 - 0.8 * xs60 + rng.standard_t(3, size=60) * 4, 3)
    out["slope"] = [
        slope("n3", [1, 2, 4], [2.0, 2.5, 5.0]),
        slope("exact_line", [1, 2, 3, 4, 5], [3, 5, 7, 9, 11]),
        slope("n8_noisy", [1, 2, 3, 4, 5, 6, 7, 8], [2.1, 3.9, 6.2, 8.1, 9.7, 12.4, 13.8, 16.5]),
        slope("ties_xy", [1, 1, 2, 2, 3, 3, 4, 4], [1.0, 1.5, 1.5, 2.5, 3.0, 3.0, 4.5, 3.0]),
        slope("n20_kernel_events", xs20.tolist(), ys20.tolist()),
        slope("n60_negative", xs60.tolist(), ys60.tolist()),
    ]
    ps = [1e-6, 0.005, 0.025, 0.1, 0.4, 0.6, 0.9, 0.95, 0.975, 0.995, 0.9995]
    dfs = [1, 2, 3, 4, 5, 7.5, 10, 18, 30, 100, 1000]
    out["t_quantile"] = [{"p": p, "df": df, "q": t_ppf(p, df)} for df in dfs for p in ps]
    out["t_cdf"] = [{"t": t, "df": df, "p": float(st.t.cdf(t, df))}
                    for df in [1, 3, 7.5, 30] for t in [-40.0, -2.5, -0.3, 0.0, 0.7, 3.1, 12.0]]
    out["norm_quantile"] = [{"p": p, "q": float(st.norm.ppf(p))}
                            for p in [1e-300, 1e-20, 1e-12, 1e-6, 0.001, 0.025, 0.1, 0.3,
                                      0.425, 0.5, 0.575, 0.7, 0.9, 0.975, 0.999, 0.999999]]
    d20 = [bi - ai for ai, bi in zip(base20.tolist(), shift20.tolist())]
    out["bootstrap"] = [
        bootstrap("n8", [1.0, -0.5, 2.0, 0.25, 1.5, 3.0, -1.0, 0.75], 2000, 42),
        bootstrap("n20", d20, 2000, 7),
    ]
    out["min_detectable"] = [min_detectable(f"n{n}_sd{sd}", n, sd)
                             for n, sd in [(6, 1.0), (7, 0.5), (10, 1.0), (12, 2.5), (20, 0.3),
                                           (30, 1.0), (50, 4.0)]]
    out["min_pairs"] = [{"conf": c, "n": min_pairs(c)} for c in [0.9, 0.95, 0.97, 0.99]]
    p_mixed = [0.01, 0.04, 0.03, 0.005, 0.5, 0.9, 0.041, 0.2]
    out["bh"] = [
        bh("mixed8", p_mixed),
        bh("ties", [0.02, 0.02, 0.02, 0.5]),
        bh("with_nan", [0.001, None, 0.04, 0.03, None]),
        bh("aa21", [round(v, 4) for v in rng.uniform(0, 1, size=21)]),
        bh("one", [0.03]),
    ]
    y00 = np.round(rng.normal(20.0, 0.6, size=16), 3)
    drift = np.round(rng.normal(0.0, 0.4, size=16), 3)  # shared by a round's four arms
    y00 = y00 + drift
    y10 = np.round(y00 + 0.8 + rng.normal(0, 0.3, size=16), 3)
    y01 = np.round(y00 + 1.5 + rng.normal(0, 0.3, size=16), 3)
    y11_add = np.round(y00 + 2.3 + rng.normal(0, 0.3, size=16), 3)
    y11_int = np.round(y00 + 4.3 + rng.normal(0, 0.3, size=16), 3)
    out["factorial"] = [
        factorial("additive16", y00.tolist(), y10.tolist(), y01.tolist(), y11_add.tolist()),
        factorial("interacting16", y00.tolist(), y10.tolist(), y01.tolist(), y11_int.tolist()),
        factorial("n5", y00[:5].tolist(), y10[:5].tolist(), y01[:5].tolist(), y11_add[:5].tolist()),
    ]
    out["sen_conf"] = [
        sen_conf("n3", [1.0, 2.0, 4.0], [2.0, 2.5, 5.0]),
        sen_conf("n4", [1.0, 2.0, 3.0, 5.0], [0.3, 0.1, 0.9, 1.2]),
        sen_conf("n5", [0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 1.4, 1.1, 2.2, 2.0]),
        sen_conf("n7", [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0],
                 [0.5, 0.61, 0.7, 1.4, 2.0, 4.1, 7.9]),
        sen_conf("n8", [0.1 * i for i in range(8)],
                 [0.2, 0.1, 0.5, 0.45, 0.8, 0.7, 1.1, 0.95]),
    ]
    out["mann_whitney"] = [
        mann_whitney("n5_separated", [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]),
        mann_whitney("n5_overlap", [10, 11, 12, 13, 14], [13.5, 12.5, 15, 16, 11.5]),
        mann_whitney("n8x6", base20.tolist()[:8], shift20.tolist()[:6]),
        mann_whitney("ties", [1.0, 2.0, 2.0, 3.0, 4.0, 4.0], [2.0, 3.0, 4.0, 4.0, 5.0, 6.0]),
        mann_whitney("n60", base60.tolist(), shift60.tolist()),
    ]
    json.dump(out, sys.stdout, indent=1, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
