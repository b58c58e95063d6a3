"""Reference numbers for test/risk/optimize-longshort.test.ts: long-short and efficient-return optimisers, as
PyPortfolioOpt sets them up (its test cases min_volatility short, max_sharpe short, efficient_risk short,
efficient_return), solved independently with scipy.optimize.minimize(method='SLSQP') and polished by an exact KKT
solve on SLSQP's active set. Run: python3 test/risk/reference/optimize_longshort.py (writes optimize_longshort.json).

Data (generated, so the test needs no shared files): numpy default_rng(12), 756 daily simple returns of six assets
A..F drawn from N(m/252, V/252) with annual drifts m = [.60, .35, .25, -.20, .90, .10], vols v = [.55, .70, .45, .90,
1.10, .60] and one-factor correlations C = b b' + diag(1 - b^2), b = [.9, .85, .9, .8, .7, .85], V = diag(v) C diag(v).
Inputs as PyPortfolioOpt's defaults compute them (frequency 252):
  mu  = mean_historical_return (compounding): prod(1 + r) ** (252 / T) - 1,
  cov = sample_cov: 252 * np.cov(r, ddof=1) (symmetrised).
mu and cov are written to the JSON exactly (repr floats), so the test reads the very same numbers.

Problems, w = weights (fractions of capital), sum w = 1, lo <= w <= hi, gross cap sum |w| <= L:
  min-volatility   min w'Sw                          bounds (-1, 1), L = 1.5 (cap binds) and L = inf (PyPortfolioOpt's)
  max-sharpe       max (mu'w - rf) / sqrt(w'Sw)      bounds (-1, 1), L = 1.5, rf = 0.02
  efficient-risk   max mu'w s.t. sqrt(w'Sw) <= 0.60  bounds (-1, 1), L = 1.5
  efficient-return min w'Sw s.t. mu'w >= target      bounds (0, 1) target 0.15; bounds (-1, 1), L = 1.5, target 0.30
  limits           highest mu'w (scipy linprog 'highs' on the split), named by the unreachable-return error; the
                   unreachable-volatility error names min-volatility's sigma (0.4010...)
SLSQP runs on the split w = p - q, p, q >= 0 (smooth: sum |w| <= L becomes sum (p + q) <= L, linear), ftol 1e-15.
The polish fixes SLSQP's active set (bounds, zero weights on the gross kink, the gross face s'w = L with s = sign w,
the return floor) and solves the equality-constrained QP's KKT system exactly, asserting the multiplier signs.
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import brentq, linprog, minimize

HERE = os.path.dirname(os.path.abspath(__file__))
OPTS = {'ftol': 1e-15, 'maxiter': 5000}
TOL = 1e-7  # active-set detection on SLSQP's answer

rng = np.random.default_rng(12)
DRIFT = np.array([0.60, 0.35, 0.25, -0.20, 0.90, 0.10])
VOLS = np.array([0.55, 0.70, 0.45, 0.90, 1.10, 0.60])
B = np.array([0.9, 0.85, 0.9, 0.8, 0.7, 0.85])
V = np.outer(VOLS, VOLS) * (np.outer(B, B) + np.diag(1 - B ** 2))
T = 756
R = rng.multivariate_normal(DRIFT / 252, V / 252, size=T)
MU = (1 + R).prod(axis=0) ** (252 / T) - 1
S = 252 * np.cov(R, rowvar=False, ddof=1)
S = (S + S.T) / 2
N = len(MU)


def slsqp(f, lo, hi, L, extra=()):
    """argmin f(w) over the split w = p - q: p in [0, max(hi, 0)], q in [0, max(-lo, 0)], sum(p - q) = 1, sum(p + q) <= L."""
    n = len(lo)
    w_of = lambda z: z[:n] - z[n:]
    cons = [{'type': 'eq', 'fun': lambda z: w_of(z).sum() - 1}]
    if np.isfinite(L):
        cons.append({'type': 'ineq', 'fun': lambda z: L - z.sum()})
    cons += [{'type': c['type'], 'fun': (lambda g: lambda z: g(w_of(z)))(c['fun'])} for c in extra]
    bounds = [(0, max(h, 0)) for h in hi] + [(0, max(-l, 0)) for l in lo]
    z0 = np.concatenate([np.full(n, 1 / n), np.zeros(n)])
    r = minimize(lambda z: f(w_of(z)), z0, method='SLSQP', bounds=bounds, constraints=cons, options=OPTS)
    # At ftol 1e-15 SLSQP may stop on 'Positive directional derivative for linesearch' (status 8) at the optimum, the
    # line search lost in rounding; accept that only if feasible: the polish then proves optimality by the KKT signs.
    feasible = all(np.all(c['fun'](r.x) >= -1e-9) if c['type'] == 'ineq' else abs(c['fun'](r.x)) < 1e-9 for c in cons)
    assert r.success or (r.status == 8 and feasible), r.message
    return w_of(r.x)


def active_set(w, lo, hi, L, floor=None):
    """SLSQP's active constraints: equalities (a, c) for a'w = c, inequalities (a, c, kind) for a'w >= c."""
    eq, ge = [(np.ones(N), 1.0)], []
    gross = np.isfinite(L) and np.abs(w).sum() >= L - TOL
    for i in range(N):
        e = np.eye(N)[i]
        if w[i] <= lo[i] + TOL:
            ge.append((e, lo[i], 'bound'))
        elif w[i] >= hi[i] - TOL:
            ge.append((-e, -hi[i], 'bound'))
        elif gross and abs(w[i]) < TOL:
            eq.append((e, 0.0))  # on the kink of sum |w|: its multiplier must stay within the gross multiplier
    if gross:
        ge.append((-np.sign(np.where(np.abs(w) < TOL, 0, w)), -L, 'gross'))
    if floor is not None and MU @ w <= floor + TOL:
        ge.append((MU, floor, 'return'))
    return eq, ge


def kkt(Q, g, eq, ge):
    """Exact argmin 1/2 x'Qx - g'x with every given constraint held as an equality; x and the multipliers."""
    A = np.array([a for a, _ in eq] + [a for a, _, _ in ge])
    c = np.array([c for _, c in eq] + [c for _, c, _ in ge])
    m = len(c)
    K = np.block([[Q, -A.T], [A, np.zeros((m, m))]])
    sol = np.linalg.solve(K, np.concatenate([g, c]))
    return sol[:N], sol[N:N + len(eq)], sol[N + len(eq):]


def check_multipliers(lam_eq, lam_ge, ge):
    """a'x >= c needs a multiplier >= 0; a zero weight on the kink needs |its multiplier| <= the gross one."""
    assert np.all(lam_ge >= -1e-10), lam_ge
    gamma = sum(l for l, (_, _, kind) in zip(lam_ge, ge) if kind == 'gross')
    assert np.all(np.abs(lam_eq[1:]) <= gamma + 1e-10), (lam_eq, gamma)


def polish(w0, lo, hi, L, t=0.0, floor=None, check=True):
    eq, ge = active_set(w0, lo, hi, L, floor)
    w, le, lg = kkt(S, t * MU, eq, ge)
    if check:
        check_multipliers(le, lg, ge)
        assert np.abs(w - w0).max() < 1e-5, np.abs(w - w0).max()  # the polish only removes SLSQP's last digits
    return w


def min_volatility(lo, hi, L):
    return polish(slsqp(lambda w: w @ S @ w, lo, hi, L), lo, hi, L)


def max_sharpe(lo, hi, L, rf):
    w0 = slsqp(lambda w: -(MU @ w - rf) / np.sqrt(w @ S @ w), lo, hi, L)
    # y = kappa w, kappa = sum y: min 1/2 y'Sy s.t. (mu - rf)'y = 1 and the active set, homogenised in y.
    eq_w, ge_w = active_set(w0, lo, hi, L)
    one = np.ones(N)
    eq = [(MU - rf, 1.0)] + [(a - c * one, 0.0) for a, c in eq_w[1:]]
    ge = [(a - c * one, 0.0, kind) for a, c, kind in ge_w]
    y, le, lg = kkt(S, np.zeros(N), eq, ge)
    check_multipliers(np.concatenate([[0.0], le[1:]]), lg, ge)
    assert np.abs(y / y.sum() - w0).max() < 1e-5
    return y / y.sum()


def efficient_risk(lo, hi, L, target):
    w0 = slsqp(lambda w: -MU @ w, lo, hi, L, ({'type': 'ineq', 'fun': lambda w: target ** 2 - w @ S @ w},))
    # On SLSQP's active set the frontier point argmin 1/2 w'Sw - t mu'w is affine in t: find sigma = target.
    sig = lambda t: np.sqrt((p := polish(w0, lo, hi, L, t, check=False)) @ S @ p) - target
    t_lo, t_hi = 0.0, 1.0
    while sig(t_hi) < 0:
        t_lo, t_hi = t_hi, 2 * t_hi
    t = brentq(sig, t_lo, t_hi, xtol=1e-16, rtol=1e-15)
    return polish(w0, lo, hi, L, t)


def efficient_return(lo, hi, L, target):
    w0 = slsqp(lambda w: w @ S @ w, lo, hi, L, ({'type': 'ineq', 'fun': lambda w: MU @ w - target},))
    return polish(w0, lo, hi, L, floor=target)


def max_return(lo, hi, L):
    """linprog on the split: max mu'(p - q) s.t. sum(p - q) = 1, sum(p + q) <= L, the bounds."""
    r = linprog(np.concatenate([-MU, MU]), A_ub=[np.ones(2 * N)] if np.isfinite(L) else None, b_ub=[L] if np.isfinite(L) else None,
                A_eq=[np.concatenate([np.ones(N), -np.ones(N)])], b_eq=[1],
                bounds=[(0, max(h, 0)) for h in hi] + [(0, max(-l, 0)) for l in lo], method='highs')
    assert r.status == 0, r.message
    return float(-r.fun)


def case(w, rf=0.0, **extra):
    vol = float(np.sqrt(w @ S @ w))
    ret = float(MU @ w)
    assert abs(w.sum() - 1) < 1e-12
    return {'weights': [float(x) for x in w], 'volatility': vol, 'return': ret, 'sharpe': (ret - rf) / vol,
            'gross': float(np.abs(w).sum()), **extra}


short, long_only = (np.full(N, -1.0), np.ones(N)), (np.zeros(N), np.ones(N))
cases = {
    'min-volatility short L=1.5': case(min_volatility(*short, 1.5), gross_cap=1.5),
    'min-volatility short uncapped': case(min_volatility(*short, np.inf)),
    'max-sharpe short L=1.5 rf=0.02': case(max_sharpe(*short, 1.5, 0.02), rf=0.02, gross_cap=1.5),
    'efficient-risk short L=1.5 0.60': case(efficient_risk(*short, 1.5, 0.60), gross_cap=1.5, target=0.60),
    'efficient-return long-only 0.15': case(efficient_return(*long_only, np.inf, 0.15), target=0.15),
    'efficient-return short L=1.5 0.30': case(efficient_return(*short, 1.5, 0.30), gross_cap=1.5, target=0.30),
}
limits = {
    'max return short L=1.5': max_return(*short, 1.5),
    'max return long-only': max_return(*long_only, np.inf),
}
out = {
    'generator': 'numpy default_rng(12); see optimize_longshort.py', 'numpy': np.__version__, 'scipy': scipy.__version__,
    'assets': ['A', 'B', 'C', 'D', 'E', 'F'], 'mu': [float(x) for x in MU], 'cov': [[float(x) for x in row] for row in S],
    'cases': cases, 'limits': limits,
}
with open(os.path.join(HERE, 'optimize_longshort.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
for name, c in cases.items():
    print(f"{name}: w {np.round(c['weights'], 6).tolist()} vol {c['volatility']:.12f} ret {c['return']:.12f} gross {c['gross']:.12f}")
print(limits)
