"""numpy/scipy twin of src/risk/report.ts for test/bench/risk.bench.ts: same full risk report on the same data, timed."""
# Usage: python3 risk_report.py DIR, where DIR holds meta.json, closes.f64 (n × (days + 1) float64, row-major, asset
# by asset) and exposures.f64 (n float64, the USD exposure of the one linear position per asset). Writes
# DIR/results.json (every number of the last run, for the agreement check) and prints one JSON line of timings
# (median of `reps` runs, milliseconds, time.perf_counter).
#
# Same algorithms as the TypeScript, so the ratio compares implementations, not methods:
#   historical  overlapping h-day simple returns applied to today's exposures (h = horizon, 1, 7), VaR = −quantile
#               (np.quantile 'linear', as var.ts), ES = −mean of the scenarios at or below it, clamped to VaR;
#   parametric  δᵀΣδ with Σ = np.cov(daily returns, ddof 1), z·σ·√h and σ·φ(z)/(1 − c)·√h;
#   Monte Carlo 10,000 paths, L = np.linalg.cholesky(Σ), the exposures folded in once (b = Lᵀw, path PnL = √h·z·b);
#               the naive full simulation (R = Z Lᵀ, PnL = R w) is timed separately as a second reference;
#   correlation D^−½ΣD^−½ of the same Σ, clipped to [−1, 1], unit diagonal (what np.corrcoef does after np.cov);
#   tail contributions  −mean over the tail scenarios of each position's PnL;
#   per asset   vol (ddof 1), EWMA λ = 0.94 seeded with the mean square of the first 30 returns, and GARCH(1,1) on
#               log returns exactly as src/risk/garch.ts: ε = r − mean(r), σ²_1 = mean(ε²), θ = (ln(ω/σ²_1),
#               logit(α + β), logit(α/(α + β))), scipy.optimize.minimize from the same four starts with garch.ts's
#               projected Newton as the method (exact gradient and Hessian, the σ² derivative recursions run as
#               scipy.signal.lfilter; same stopping and dropping rules), and garch.ts's fallback — fmin's Nelder–Mead,
#               ported line for line — when no run converges. (scipy's own trust-exact from the same starts lands in a
#               different local optimum on a few weakly identified series, so it would not compute the same report.)
#   backtest    daily PnL of today's book as returns on equity: annualised vol, Sharpe, max drawdown, beta.
import json
import sys
import time

import numpy as np
from scipy.optimize import OptimizeResult, minimize
from scipy.signal import lfilter
from scipy.stats import norm

LOG_2PI = np.log(2 * np.pi)
STARTS = [(0.05, 0.9), (0.1, 0.001), (0.6, 0.3), (0.003, 0.99)]


def var_es(pnl, equity, c):
    x = np.sort(pnl / equity)
    q = np.quantile(x, 1 - c)
    tail = x[x <= q]
    return {'var': float(-q), 'es': float(-min(tail.mean(), q))}


def horizon_returns(closes, h):
    return closes[:, h:] / closes[:, :-h] - 1


def historical(closes, expo, equity, c, h):
    out = {}
    for key, hh in (('historical', h), ('var1d', 1), ('var7d', 7)):
        out[key] = var_es(expo @ horizon_returns(closes, hh), equity, c)
    return out


def garch_parts(theta, seed):
    p = 1 / (1 + np.exp(-theta[1]))
    q = 1 / (1 + np.exp(-theta[2]))
    return seed * np.exp(theta[0]), p, q


def garch_derivatives(theta, e2, seed):
    """−log L, gradient and Hessian in θ (the recursions of garch.ts, as linear filters in β)."""
    omega, p, q = garch_parts(theta, seed)
    alpha, beta = p * q, p * (1 - q)
    n = e2.size
    a = [1.0, -beta]

    def rec(x):  # y_0 = 0, y_{t+1} = x_t + β y_t
        y = np.empty(n)
        y[0] = 0.0
        y[1:] = lfilter([1.0], a, x[:-1])
        return y

    v = np.empty(n)
    v[0] = seed
    v[1:] = lfilter([1.0], a, omega + alpha * e2[:-1], zi=[beta * seed])[0]
    if not np.all(v > 0):
        return np.inf, None, None
    dw = rec(np.ones(n))
    da = rec(e2)
    db = rec(v)
    dwb, dab, dbb = rec(dw), rec(da), rec(2 * db)
    iv = 1 / v
    r = e2 * iv
    f = 0.5 * (n * LOG_2PI + np.log(v).sum() + r.sum())
    f1 = 0.5 * iv * (1 - r)
    f2 = 0.5 * iv * iv * (2 * r - 1)
    gw, ga, gb = f1 @ dw, f1 @ da, f1 @ db
    hww, hwa, hwb = f2 @ (dw * dw), f2 @ (dw * da), f2 @ (dw * db) + f1 @ dwb
    haa, hab, hbb = f2 @ (da * da), f2 @ (da * db) + f1 @ dab, f2 @ (db * db) + f1 @ dbb
    p1, q1 = p * (1 - p), q * (1 - q)
    p2, q2 = p1 * (1 - 2 * p), q1 * (1 - 2 * q)
    a1, a2, b1, b2 = p1 * q, p * q1, p1 * (1 - q), -p * q1
    g = np.array([omega * gw, a1 * ga + b1 * gb, a2 * ga + b2 * gb])
    h = np.empty((3, 3))
    h[0, 0] = omega * omega * hww + omega * gw
    h[0, 1] = h[1, 0] = omega * (a1 * hwa + b1 * hwb)
    h[0, 2] = h[2, 0] = omega * (a2 * hwa + b2 * hwb)
    h[1, 1] = a1 * a1 * haa + 2 * a1 * b1 * hab + b1 * b1 * hbb + ga * p2 * q + gb * p2 * (1 - q)
    h[1, 2] = h[2, 1] = a1 * a2 * haa + (a1 * b2 + a2 * b1) * hab + b1 * b2 * hbb + (ga - gb) * p1 * q1
    h[2, 2] = a2 * a2 * haa + 2 * a2 * b2 * hab + b2 * b2 * hbb + (ga - gb) * p * q2
    return f, g, h


def garch_value(theta, e2, seed):
    """−log L only (the line search's evaluation)."""
    omega, p, q = garch_parts(theta, seed)
    alpha, beta = p * q, p * (1 - q)
    v = np.empty(e2.size)
    v[0] = seed
    v[1:] = lfilter([1.0], [1.0, -beta], omega + alpha * e2[:-1], zi=[beta * seed])[0]
    if not np.all(v > 0):
        return np.inf
    f = 0.5 * (e2.size * LOG_2PI + np.log(v).sum() + (e2 / v).sum())
    return f if np.isfinite(f) else np.inf


def newton_step(h, g, mu):
    """(H + μI)d = −g by a 3×3 Cholesky, None unless positive definite (as garch.ts)."""
    l00 = h[0, 0] + mu
    if not l00 > 0:
        return None
    a = np.sqrt(l00)
    b, c = h[1, 0] / a, h[2, 0] / a
    l11 = h[1, 1] + mu - b * b
    if not l11 > 0:
        return None
    e = np.sqrt(l11)
    f = (h[2, 1] - c * b) / e
    l22 = h[2, 2] + mu - c * c - f * f
    if not l22 > 0:
        return None
    k = np.sqrt(l22)
    y0 = -g[0] / a
    y1 = (-g[1] - b * y0) / e
    y2 = (-g[2] - c * y0 - f * y1) / k
    d2 = y2 / k
    d1 = (y1 - f * d2) / e
    d = np.array([(y0 - b * d1 - c * d2) / a, d1, d2])
    return d if np.all(np.isfinite(d)) else None


BOUND, FAR = 30.0, 8.0


def damped_newton(fun, x0, args=(), e2=None, seed=None, incumbent=None, **_):
    """garch.ts's newtonFit as a scipy.optimize.minimize method: projected Newton over θ ∈ [−30, 30]³ with the exact
    Hessian (coordinates on a face with the gradient pointing out are held), a Levenberg shift when it is not positive
    definite, steps capped at 4, a coordinate heading out beyond |8| also tried on the face, Armijo backtracking along
    the projected path; stops when ½gᵀH⁻¹g < 1e-12, or is dropped once it reaches `incumbent` (within 0.2 in θ) or
    cannot beat it by 4× the predicted gain."""
    def done(converged, dropped=False):
        return OptimizeResult(x=x, fun=fx, success=converged, dropped=dropped)

    x = np.clip(np.asarray(x0, dtype=float), -BOUND, BOUND)
    fx, g, h = garch_derivatives(x, e2, seed)
    if not np.isfinite(fx):
        return done(False)
    for _ in range(60):
        held = ((x <= -BOUND) & (g > 0)) | ((x >= BOUND) & (g < 0))
        gr = np.where(held, 0.0, g)
        hr = h.copy()
        hr[held, :] = 0.0
        hr[:, held] = 0.0
        hr[held, held] = 1.0
        mu = 0.0
        d = newton_step(hr, gr, 0.0)
        if d is None:
            mu = 1e-8 * max(abs(hr[0, 0]), abs(hr[1, 1]), abs(hr[2, 2]), 1e-300)
            while (d := newton_step(hr, gr, mu)) is None:
                mu *= 10
                if not np.isfinite(mu):
                    return done(False)
        gain = -0.5 * (gr @ d)
        if mu == 0 and gain < 1e-12:
            return done(True)
        if incumbent is not None and mu == 0 and (fx - 4 * gain > incumbent.fun + 1e-6 or np.all(np.abs(x - incumbent.x) < 0.2)):
            return done(False, dropped=True)
        big = np.max(np.abs(d))
        cap = 4 / big if big > 4 else 1.0
        trial = np.clip(x + cap * d, -BOUND, BOUND)
        out = (np.abs(trial) > FAR) & (trial * d > 0)
        jump = np.where(out, np.sign(trial) * BOUND, trial)
        creeping = bool(np.any(out & (jump != trial)))

        def armijo(f, at):
            return f <= fx + 1e-4 * (g @ (at - x))

        if creeping:
            f = garch_value(trial, e2, seed)
            fj = garch_value(jump, e2, seed)
            if fj < f:
                trial, f = jump, fj
            accepted = armijo(f, trial)
            if accepted:
                f, g2, h2 = garch_derivatives(trial, e2, seed)
        else:
            f, g2, h2 = garch_derivatives(trial, e2, seed)
            accepted = armijo(f, trial) or (mu == 0 and gain < 1e-9 and np.isfinite(f))
        if not accepted:
            t = cap
            for _ in range(40):
                t *= 0.5
                trial = np.clip(x + t * d, -BOUND, BOUND)
                f = garch_value(trial, e2, seed)
                if armijo(f, trial):
                    break
            else:
                return done(mu == 0 and gain < 1e-9)
            f, g2, h2 = garch_derivatives(trial, e2, seed)
        x, g, h, fx = trial, g2, h2, f
    return done(False)


def fmin_nelder_mead(f, x0, max_iterations, tolerance, non_zero_delta, zero_delta):
    """fmin 0.0.4's nelderMead (the package garch.ts uses), line for line: ρ 1, χ 2, ψ −0.5, σ 1 (stop instead of
    shrinking), stop when |f_best − f_worst| and the best two points' max coordinate gap are both < tolerance."""
    n = len(x0)
    simplex = [(list(x0), f(np.array(x0)))]
    for i in range(n):
        point = list(x0)
        point[i] = point[i] * non_zero_delta if point[i] else zero_delta
        simplex.append((point, f(np.array(point))))
    for _ in range(max_iterations):
        simplex.sort(key=lambda p: p[1])
        max_diff = max(abs(simplex[0][0][i] - simplex[1][0][i]) for i in range(n))
        if abs(simplex[0][1] - simplex[n][1]) < tolerance and max_diff < tolerance:
            break
        centroid = [sum(simplex[j][0][i] for j in range(n)) / n for i in range(n)]
        worst = simplex[n]

        def towards(w1, w2):
            point = [w1 * centroid[j] + w2 * worst[0][j] for j in range(n)]
            return point, f(np.array(point))

        reflected = towards(2.0, -1.0)
        if reflected[1] < simplex[0][1]:
            expanded = towards(3.0, -2.0)
            simplex[n] = expanded if expanded[1] < reflected[1] else reflected
        elif reflected[1] >= simplex[n - 1][1]:
            if reflected[1] > worst[1]:
                contracted = towards(0.5, 0.5)
                if not contracted[1] < worst[1]:
                    break
            else:
                contracted = towards(1.5, -0.5)
                if not contracted[1] < reflected[1]:
                    break
            simplex[n] = contracted
        else:
            simplex[n] = reflected
    simplex.sort(key=lambda p: p[1])
    return simplex[0]


def nelder_mead_fallback(f, starts, incumbent):
    """garch.ts's nelderMeadFit: a coarse run (1e-4) from each start, then restarts of the best at 1e-10 until two in a
    row (5% then 0.1% simplices) gain less than 1e-9."""
    steps = [(1.05, 1e-3), (1.001, 1e-5)]
    best = incumbent
    for x0 in starts:
        r = fmin_nelder_mead(f, list(x0), 1000, 1e-4, *steps[0])
        if best is None or r[1] < best[1]:
            best = r
    stale = 0
    for _ in range(20):
        r = fmin_nelder_mead(f, list(best[0]), 1000, 1e-10, *steps[stale])
        gain = best[1] - r[1]
        if r[1] < best[1]:
            best = r
        stale = 0 if gain > 1e-9 else stale + 1
        if stale == len(steps):
            break
    return best


def fit_garch(returns):
    mu = returns.mean()
    eps = returns - mu
    e2 = eps * eps
    seed = e2.mean()
    best = None
    converged = False
    starts = []
    for a0, b0 in STARTS:
        p0 = a0 + b0
        x0 = np.array([np.log(1 - p0), np.log(p0 / (1 - p0)), np.log((a0 / p0) / (1 - a0 / p0))])
        starts.append(x0)
        res = minimize(garch_value, x0, args=(e2, seed), method=damped_newton, options={'e2': e2, 'seed': seed, 'incumbent': best})
        if res.dropped or not np.isfinite(res.fun):
            continue
        if best is None or res.fun < best.fun:
            best, converged = res, res.success
    if not converged:  # as garch.ts: fmin's Nelder–Mead from the starts and the best Newton point (rare)
        x, fun = nelder_mead_fallback(lambda th: garch_value(th, e2, seed), starts, None if best is None else (list(best.x), best.fun))
        best = OptimizeResult(x=np.array(x), fun=fun)
    omega, p, q = garch_parts(best.x, seed)
    alpha, beta = p * q, p * (1 - q)
    v = np.empty(e2.size)
    v[0] = seed
    v[1:] = lfilter([1.0], [1.0, -beta], omega + alpha * e2[:-1], zi=[beta * seed])[0]
    ll = -0.5 * (e2.size * LOG_2PI + np.log(v).sum() + (e2 / v).sum())
    one_step = omega + alpha * eps[-1] ** 2 + beta * v[-1]
    return {'omega': float(omega), 'alpha': float(alpha), 'beta': float(beta), 'll': float(ll), 'oneStep': float(one_step)}


def ewma_vol(r, lam=0.94):
    v = np.mean(r[:30] ** 2)
    # σ²_t = λσ²_{t−1} + (1 − λ)r²_t as a filter
    v = lfilter([1 - lam], [1.0, -lam], r * r, zi=[lam * v])[0][-1]
    return np.sqrt(v)


def cholesky(cov):
    """np.linalg.cholesky, with montecarlo.ts's ridge when Σ is singular (e.g. more assets than days): ε·mean(diag Σ)
    added to the diagonal, ε = 1e-12, 1e-10, 1e-8 in turn."""
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        scale = np.mean(np.diag(cov))
        for eps in (1e-12, 1e-10, 1e-8):
            try:
                return np.linalg.cholesky(cov + eps * scale * np.eye(cov.shape[0]))
            except np.linalg.LinAlgError:
                pass
        raise


def report(closes, expo, meta, timings):
    c, h, equity, ppy = meta['confidence'], meta['horizon'], meta['equity'], meta['periodsPerYear']
    n = closes.shape[0]
    out = {}
    t = time.perf_counter

    t0 = t()
    out.update(historical(closes, expo, equity, c, h))
    daily = horizon_returns(closes, 1)
    backtest = (expo @ daily) / equity
    growth = np.concatenate([[1.0], np.cumprod(1 + backtest)])
    out['volAnnual'] = float(backtest.std(ddof=1) * np.sqrt(ppy))
    out['sharpe'] = float(backtest.mean() / backtest.std(ddof=1) * np.sqrt(ppy))
    out['maxDrawdown'] = float(np.max(1 - growth / np.maximum.accumulate(growth)))
    bench = daily[0]
    out['beta'] = float(np.cov(backtest, bench)[0, 1] / bench.var(ddof=1))
    t1 = t()
    cov = np.cov(daily)
    sd = np.sqrt(expo @ cov @ expo) / equity
    z = norm.ppf(c)
    out['parametric'] = {'var': float(z * sd * np.sqrt(h)), 'es': float(sd * norm.pdf(z) / (1 - c) * np.sqrt(h))}
    t2 = t()
    chol = cholesky(cov)
    b = chol.T @ expo
    rng = np.random.default_rng(meta['seed'])
    zs = rng.standard_normal((meta['paths'], n))
    out['monteCarlo'] = var_es(np.sqrt(h) * (zs @ b), equity, c)
    t3 = t()
    d = np.sqrt(np.diag(cov))
    corr = np.clip(cov / d[:, None] / d[None, :], -1, 1)
    np.fill_diagonal(corr, 1.0)
    t4 = t()
    hr = horizon_returns(closes, h)
    pnl = expo @ hr
    cutoff = np.quantile(pnl, 1 - c)
    tail = pnl <= cutoff
    contrib = -(expo * hr[:, tail].mean(axis=1))
    out['contributions'] = (contrib).tolist()
    t5 = t()
    vol = daily.std(axis=1, ddof=1) * np.sqrt(ppy)
    ewma = np.array([ewma_vol(r) for r in daily]) * np.sqrt(ppy)
    fits = [fit_garch(np.log1p(r)) for r in daily]
    t6 = t()
    out['perAsset'] = [{'vol': float(vol[i]), 'ewma': float(ewma[i]), **fits[i], 'garchVol': float(np.sqrt(fits[i]['oneStep'] * ppy))} for i in range(n)]
    timings.append({'historical': t1 - t0, 'parametric': t2 - t1, 'monteCarlo': t3 - t2, 'correlation': t4 - t3,
                    'contributions': t5 - t4, 'perAsset': t6 - t5, 'total': t6 - t0})
    return out, corr


def naive_mc(cov, expo, meta):
    """The textbook full simulation: every asset's return on every path (paths × n), then the book."""
    chol = cholesky(cov)
    rng = np.random.default_rng(meta['seed'])
    zs = rng.standard_normal((meta['paths'], cov.shape[0]))
    returns = np.sqrt(meta['horizon']) * (zs @ chol.T)
    return var_es(returns @ expo, meta['equity'], meta['confidence'])


def main():
    np.seterr(all='ignore')  # logistic(±large) overflows harmlessly; non-finite likelihoods are checked explicitly
    folder = sys.argv[1]
    with open(f'{folder}/meta.json') as f:
        meta = json.load(f)
    n, days = meta['n'], meta['days']
    closes = np.fromfile(f'{folder}/closes.f64', dtype='<f8').reshape(n, days + 1)
    expo = np.fromfile(f'{folder}/exposures.f64', dtype='<f8')
    timings = []
    for _ in range(meta['reps']):
        out, corr = report(closes, expo, meta, timings)
    naive = []
    cov = np.cov(horizon_returns(closes, 1))
    for _ in range(meta['reps']):
        t0 = time.perf_counter()
        out['monteCarloNaive'] = naive_mc(cov, expo, meta)
        naive.append(time.perf_counter() - t0)
    corr.astype('<f8').tofile(f'{folder}/correlation.f64')
    with open(f'{folder}/results.json', 'w') as f:
        json.dump(out, f)
    med = {k: float(np.median([t[k] for t in timings]) * 1e3) for k in timings[0]}
    med['monteCarloNaive'] = float(np.median(naive) * 1e3)
    print(json.dumps(med))


if __name__ == '__main__':
    main()
