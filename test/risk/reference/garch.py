"""Reference GARCH(1,1) MLE for test/risk/garch.test.ts: scipy.optimize on the same likelihood, seed and parameterisation."""
import numpy as np
from scipy.optimize import minimize
from _prices import closes

LOG_2PI = np.log(2 * np.pi)


def loglik(eps, omega, alpha, beta, seed):
    """-1/2 sum(ln 2pi + ln s2_t + e_t^2/s2_t), s2_1 = seed, s2_{t+1} = omega + alpha e_t^2 + beta s2_t."""
    v = seed
    total = 0.0
    for e in eps:
        total += np.log(v) + e * e / v
        v = omega + alpha * e * e + beta * v
    return -0.5 * (len(eps) * LOG_2PI + total)


def params(theta, scale):
    p = 1 / (1 + np.exp(-theta[1]))
    share = 1 / (1 + np.exp(-theta[2]))
    return scale * np.exp(theta[0]), p * share, p * (1 - share)


def fit(r, mean='constant'):
    r = np.asarray(r, dtype=float)
    mu = r.mean() if mean == 'constant' else 0.0
    eps = r - mu
    seed = np.mean(eps ** 2)  # sample variance about mu, ddof=0

    def nll(theta):
        o, a, b = params(theta, seed)
        ll = loglik(eps, o, a, b, seed)
        return -ll if np.isfinite(ll) else np.inf

    best = None
    for a, b in [(0.05, 0.9), (0.1, 0.8), (0.2, 0.6), (0.03, 0.96)]:
        p = a + b
        x0 = [np.log(1 - p), np.log(p / (1 - p)), np.log((a / p) / (1 - a / p))]
        res = minimize(nll, x0, method='Nelder-Mead', options={'xatol': 1e-10, 'fatol': 1e-12, 'maxiter': 20000, 'maxfev': 40000})
        res = minimize(nll, res.x, method='BFGS', options={'gtol': 1e-9})
        res = minimize(nll, res.x, method='Nelder-Mead', options={'xatol': 1e-10, 'fatol': 1e-12, 'maxiter': 20000})
        if best is None or res.fun < best.fun:
            best = res
    o, a, b = params(best.x, seed)
    # conditional variance of the last observation
    v = seed
    for e in eps[:-1]:
        v = o + a * e * e + b * v
    return dict(mu=mu, seed=seed, omega=o, alpha=a, beta=b, ll=-best.fun, last_var=v, last_ret=r[-1])


def show(name, f):
    print(name, {k: float(v) for k, v in f.items()})
    vl = f['omega'] / (1 - f['alpha'] - f['beta'])
    one = f['omega'] + f['alpha'] * (f['last_ret'] - f['mu']) ** 2 + f['beta'] * f['last_var']
    h10 = vl + (f['alpha'] + f['beta']) ** 9 * (one - vl)
    print('   longrun', float(vl), 'one-step', float(one), '10-step', float(h10))


sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
log = np.log(sol[1:] / sol[:-1])
show('SOL log constant', fit(log, 'constant'))
show('SOL log zero', fit(log, 'zero'))
btc = np.array(closes('BTC', '2020-01-01', '2025-12-31'))
blog = np.log(btc[1:] / btc[:-1])
show('BTC 2020-2025 log constant', fit(blog, 'constant'))

# Harder shapes, 2023-01-01..2025-12-31 (from each listing): ETH (alpha ~0.02, beta ~0.98), PYTH (beta ~0.6).
for sym in ['ETH', 'PYTH']:
    c = np.array(closes(sym, '2023-01-01', '2025-12-31'))
    f = fit(np.log(c[1:] / c[:-1]), 'constant')
    print(sym, '2023-2025 log constant', {k: float(f[k]) for k in ['omega', 'alpha', 'beta', 'll']})

# Exact likelihood at fixed parameters on the SOL series, constant mean.
eps = log - log.mean()
seed = np.mean(eps ** 2)
print('SOL loglik(omega=1e-4, alpha=0.08, beta=0.87)', float(loglik(eps, 1e-4, 0.08, 0.87, seed)), 'seed', float(seed))
# Forecast from fixed parameters (hand check of the formula)
o, a, b, mu = 2e-5, 0.1, 0.85, 0.001
one = o + a * (0.03 - mu) ** 2 + b * 0.0009
vl = o / (1 - a - b)
print('forecast fixed: one', float(one), 'longrun', float(vl), 'h5', float(vl + (a + b) ** 4 * (one - vl)),
      'cum5', float(sum(vl + (a + b) ** k * (one - vl) for k in range(5))))
