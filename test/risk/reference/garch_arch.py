"""Reference for test/risk/garch.test.ts and volatility.test.ts (EWMA): the `arch` package (pip install arch).

GARCH(1,1), arch_model(r, mean='Constant', vol='GARCH', p=1, q=1, dist='normal'):
  eps_t = r_t - mu,  sigma2_1 = omega + (alpha + beta) * backcast,  sigma2_{t+1} = omega + alpha eps_t^2 + beta sigma2_t,
  backcast = sum_{i<tau} w_i eps_i^2, w_i = 0.94^i / sum_j 0.94^j, tau = min(75, n);
  log L = -1/2 sum_t (ln 2 pi + ln sigma2_t + eps_t^2 / sigma2_t), maximised jointly over (mu, omega, alpha, beta).
arch is fitted on 100 r (its recommended scale; the likelihood is scale-equivariant) and mapped back:
  mu = mu_100 / 100, omega = omega_100 / 1e4, log L = log L_100 + n ln 100 (density of r = 100 x density of 100 r).
The one-step forecast is res.forecast(horizon=1).variance / 1e4.
Also: log L at fixed parameters (res = model.fix(...)) and RiskMetrics EWMA (vol=EWMAVariance(0.94), mean='Zero').

Series: three simulated GARCH(1,1) series (numpy default_rng seeds below, written to garch_series.json so the TS test
reads exactly these numbers) and SOL daily log returns 2024-01-01..2025-12-31, BTC 2020-01-01..2025-12-31 from
../shared/data/prices. Output: garch_arch.json. Run: python3 test/risk/reference/garch_arch.py
"""
import json
import os
import warnings

import numpy as np
import arch
from arch import arch_model
from arch.univariate import EWMAVariance, ZeroMean

from _prices import closes

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.simplefilter('ignore')


def simulate(seed, n, mu, omega, alpha, beta):
    rng = np.random.default_rng(seed)
    v = omega / (1 - alpha - beta)
    out = []
    for _ in range(n):
        e = np.sqrt(v) * rng.standard_normal()
        out.append(mu + e)
        v = omega + alpha * e * e + beta * v
    # 15 significant digits, so the JSON text is exactly what both sides read.
    return [float(f'{x:.15g}') for x in out]


def fit(r, mean='Constant'):
    r = np.asarray(r)
    n = len(r)
    best = None
    # arch's own fit, plus restarts from other starting values: the reference is the best maximum arch finds.
    m0 = [r.mean() * 100] if mean == 'Constant' else []
    starts = [None, m0 + [0.1 * r.var() * 1e4, 0.1, 0.8], m0 + [0.05 * r.var() * 1e4, 0.05, 0.9]]
    for sv in starts:
        res = arch_model(100 * r, mean=mean, vol='GARCH', p=1, q=1, dist='normal', rescale=False).fit(
            disp='off', starting_values=None if sv is None else np.array(sv), options={'ftol': 1e-12, 'maxiter': 1000})
        if best is None or res.loglikelihood > best.loglikelihood:
            best = res
    p = best.params
    f = best.forecast(horizon=1, reindex=False).variance.values[-1, 0] / 1e4
    return {
        'n': n, 'mu': p['mu'] / 100 if mean == 'Constant' else 0.0, 'omega': p['omega'] / 1e4, 'alpha': p['alpha[1]'], 'beta': p['beta[1]'],
        'logLikelihood': best.loglikelihood + n * np.log(100), 'oneStep': float(f),
        'lastVariance': float(best.conditional_volatility[-1] ** 2 / 1e4),
    }


def fixed_ll(r, mu, omega, alpha, beta):
    res = arch_model(np.asarray(r), mean='Constant', vol='GARCH', p=1, q=1, rescale=False).fix([mu, omega, alpha, beta])
    return float(res.loglikelihood), float(res.conditional_volatility[0] ** 2)


def ewma(r):
    res = ZeroMean(np.asarray(r), volatility=EWMAVariance(0.94), rescale=False).fix([])
    f = res.forecast(horizon=1, reindex=False).variance.values[-1, 0]
    cv = res.conditional_volatility ** 2
    return {'first': float(cv[0]), 'second': float(cv[1]), 'oneStep': float(f)}


sims = {
    'sim-a': simulate(11, 1000, 0.0005, 2e-5, 0.1, 0.85),
    'sim-b': simulate(22, 750, -0.001, 1e-4, 0.05, 0.6),
    'sim-c': simulate(33, 1500, 0.002, 5e-6, 0.04, 0.95),
}
with open(os.path.join(HERE, 'garch_series.json'), 'w') as fh:
    json.dump({'generator': 'numpy default_rng(seed).standard_normal, see garch_arch.py simulate()',
               'params': {'sim-a': [11, 1000, 0.0005, 2e-5, 0.1, 0.85], 'sim-b': [22, 750, -0.001, 1e-4, 0.05, 0.6],
                          'sim-c': [33, 1500, 0.002, 5e-6, 0.04, 0.95]},
               'series': sims}, fh)

out = {'arch': arch.__version__, 'fits': {}, 'fixed': {}, 'ewma': {}}
for name, r in sims.items():
    out['fits'][name] = fit(r)
real = {
    'SOL 2024-2025': np.diff(np.log(closes('SOL', '2024-01-01', '2025-12-31'))),
    'BTC 2020-2025': np.diff(np.log(closes('BTC', '2020-01-01', '2025-12-31'))),
}
for name, r in real.items():
    out['fits'][name] = fit(r)
sol = real['SOL 2024-2025']
out['fits']['SOL 2024-2025 zero mean'] = fit(sol, 'Zero')
out['fits']['sim-a zero mean'] = fit(sims['sim-a'], 'Zero')
out['fixed']['SOL 2024-2025 (mu 1e-4, omega 1e-4, alpha 0.08, beta 0.87)'] = fixed_ll(sol, 1e-4, 1e-4, 0.08, 0.87)
out['ewma']['SOL 2024-2025'] = ewma(sol)
out['ewma']['sim-a'] = ewma(sims['sim-a'])
out['ewma']['hand 5'] = ewma([0.01, -0.02, 0.015, -0.005, 0.03])
with open(os.path.join(HERE, 'garch_arch.json'), 'w') as fh:
    json.dump(out, fh, indent=2)
print(json.dumps(out, indent=2))
