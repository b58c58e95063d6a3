"""Reference weights for test/risk/optimize.test.ts: scipy SLSQP on the same objectives/constraints, polished by exact KKT solves."""
import numpy as np
from scipy.optimize import brentq, minimize, root
from _prices import closes

# Annualised (x365) mean and covariance of daily simple returns 2024-02-01..2025-08-13 (closes from 2024-01-31).
ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'USDC']
R = np.array([np.diff(c) / c[:-1] for c in (np.array(closes(a, '2024-01-31', '2025-08-13')) for a in ASSETS)])
MU6, S6 = 365 * R.mean(axis=1), 365 * np.cov(R, ddof=1)
MU5, S5 = MU6[:5], S6[:5, :5]
TOL = 1e-7  # active-set detection on the SLSQP answer
OPTS = {'ftol': 1e-15, 'maxiter': 2000}


def fl(xs):
    return [float(x) for x in xs]


def slsqp(f, n, lo, hi, extra=()):
    cons = [{'type': 'eq', 'fun': lambda w: w.sum() - 1}, *extra]
    r = minimize(f, np.full(n, 1 / n), method='SLSQP', bounds=list(zip(lo, hi)), constraints=cons, options=OPTS)
    assert r.success, r.message
    return r.x


def active(w, lo, hi):
    at_lo = w <= lo + TOL
    at_hi = (w >= hi - TOL) & ~at_lo
    return at_lo, at_hi, ~(at_lo | at_hi)


def mv_polish(S, mu, t, w0, lo, hi, check=True):
    """Exact argmin 0.5 w'Sw - t mu'w, sum w = 1, with the active set of w0 fixed (KKT linear solve), KKT-checked."""
    at_lo, at_hi, free = active(w0, lo, hi)
    w = np.where(at_lo, lo, np.where(at_hi, hi, 0.0))
    F = np.where(free)[0]
    k = len(F)
    if k == 0:
        assert abs(w.sum() - 1) < 1e-12
        return w
    K = np.zeros((k + 1, k + 1))
    K[:k, :k] = S[np.ix_(F, F)]
    K[:k, k] = -1
    K[k, :k] = 1
    rhs = np.concatenate([t * mu[F] - S[np.ix_(F, ~free)] @ w[~free], [1 - w[~free].sum()]])
    sol = np.linalg.solve(K, rhs)
    w[F] = sol[:k]
    nu = sol[k]
    g = S @ w - t * mu - nu  # KKT: g = 0 free, >= 0 at lo, <= 0 at hi
    if check:
        assert np.all(g[at_lo] >= -1e-10) and np.all(g[at_hi] <= 1e-10) and np.all(w[F] > lo[F]) and np.all(w[F] < hi[F])
    return w


def min_variance(S, lo, hi):
    w = slsqp(lambda w: w @ S @ w, len(lo), lo, hi)
    return mv_polish(S, np.zeros(len(lo)), 0.0, w, lo, hi)


def max_sharpe(mu, S, rf, lo, hi):
    w = slsqp(lambda w: -(mu @ w - rf) / np.sqrt(w @ S @ w), len(lo), lo, hi)
    at_lo, at_hi, free = active(w, lo, hi)
    # y = M yF with bound assets riding at b_i * kappa, kappa = 1'yF / (1 - s_A); min yF'(M'SM)yF s.t. (M'e)'yF = 1.
    b = np.where(at_lo, lo, np.where(at_hi, hi, 0.0))
    F = np.where(free)[0]
    M = np.zeros((len(lo), len(F)))
    M[F, np.arange(len(F))] = 1
    M[~free, :] = b[~free, None] / (1 - b[~free].sum())
    e = M.T @ (mu - rf)
    yF = np.linalg.solve(M.T @ S @ M, e)
    y = M @ yF
    return y / y.sum()


def target_vol(mu, S, target, lo, hi):
    w = slsqp(lambda w: -mu @ w, len(lo), lo, hi, ({'type': 'ineq', 'fun': lambda w: target ** 2 - w @ S @ w},))
    # On this active set w(t) is affine in t: sigma(t) rises along the frontier segment; find sigma(t) = target.
    sig = lambda t: np.sqrt((p := mv_polish(S, mu, t, w, lo, hi, check=False)) @ S @ p) - target
    t_lo, t_hi = 0.0, 1.0
    while sig(t_hi) < 0:
        t_lo, t_hi = t_hi, t_hi * 2
    t = brentq(sig, t_lo, t_hi, xtol=1e-16, rtol=1e-15)
    return mv_polish(S, mu, t, w, lo, hi)


def risk_parity(S, lo, hi, b=None):
    n = len(lo)
    b = np.full(n, 1 / n) if b is None else b
    # lambda-problem: w(lam) = argmin 0.5 w'Sw - lam * sum b log w over the box; pick lam with sum w = 1 (SLSQP inner).
    def inner(lam):
        r = minimize(lambda w: 0.5 * w @ S @ w - lam * b @ np.log(w), np.clip(np.full(n, 1 / n), lo + 1e-9, hi),
                     jac=lambda w: S @ w - lam * b / w, method='SLSQP', bounds=[(max(l, 1e-12), h) for l, h in zip(lo, hi)],
                     options=OPTS)
        return r.x
    lam = brentq(lambda lam: inner(lam).sum() - 1, 1e-6, 10.0, xtol=1e-14)
    w = inner(lam)
    at_lo, at_hi, free = active(w, lo, hi)
    F = np.where(free)[0]
    fixed = np.where(at_lo, lo, np.where(at_hi, hi, 0.0))

    def eqs(z):
        x = fixed.copy()
        x[F] = z[:-1]
        return np.concatenate([x[F] * (S @ x)[F] - z[-1] * b[F], [x.sum() - 1]])
    sol = root(eqs, np.concatenate([w[F], [lam]]), method='hybr', tol=1e-15)
    assert np.abs(eqs(sol.x)).max() < 1e-15, (sol.message, np.abs(eqs(sol.x)).max())
    x = fixed.copy()
    x[F] = sol.x[:-1]
    g = S @ x - sol.x[-1] * b / x
    assert np.all(g[at_lo] >= -1e-12) and np.all(g[at_hi] <= 1e-12)
    return x


def show(name, w, mu, S, rf=0.0):
    vol = float(np.sqrt(w @ S @ w))
    rc = w * (S @ w) / (w @ S @ w)
    print(f'{name}: weights', fl(w), 'vol', vol, 'ret', float(mu @ w), 'sharpe', float((mu @ w - rf) / vol), 'rc', fl(rc))


z5, o5 = np.zeros(5), np.ones(5)
show('minVariance 5', min_variance(S5, z5, o5), MU5, S5)
show('minVariance 5 [0.05,0.4]', min_variance(S5, z5 + 0.05, o5 * 0.4), MU5, S5)
show('maxSharpe 5 rf=0.04', max_sharpe(MU5, S5, 0.04, z5, o5), MU5, S5, 0.04)
show('maxSharpe 5 rf=0.04 [0,0.5]', max_sharpe(MU5, S5, 0.04, z5, o5 * 0.5), MU5, S5, 0.04)
show('maxSharpe 5 rf=0.04 [0.1,0.5]', max_sharpe(MU5, S5, 0.04, z5 + 0.1, o5 * 0.5), MU5, S5, 0.04)
z6, o6 = np.zeros(6), np.ones(6)
show('targetVol 6 0.15', target_vol(MU6, S6, 0.15, z6, o6), MU6, S6)
show('targetVol 6 0.60 [0,0.4]', target_vol(MU6, S6, 0.60, z6, o6 * 0.4), MU6, S6)
show('minVariance 5 (for the 15% target)', min_variance(S5, z5, o5), MU5, S5)
show('riskParity 5', risk_parity(S5, z5, o5), MU5, S5)
show('riskParity 5 [0.1,0.25]', risk_parity(S5, z5 + 0.1, o5 * 0.25), MU5, S5)
show('riskParity 5 budgets [0.4,0.3,0.1,0.1,0.1]', risk_parity(S5, z5, o5, np.array([0.4, 0.3, 0.1, 0.1, 0.1])), MU5, S5)

# Hand-made 3-asset case (annual figures).
SH = np.array([[0.04, 0.006, 0.01], [0.006, 0.09, 0.012], [0.01, 0.012, 0.0225]])
MH = np.array([0.08, 0.12, 0.06])
show('hand minVariance', min_variance(SH, np.zeros(3), np.ones(3)), MH, SH)
show('hand maxSharpe rf=0.02', max_sharpe(MH, SH, 0.02, np.zeros(3), np.ones(3)), MH, SH, 0.02)
show('hand targetVol 0.17', target_vol(MH, SH, 0.17, np.zeros(3), np.ones(3)), MH, SH)
show('hand riskParity', risk_parity(SH, np.zeros(3), np.ones(3)), MH, SH)
