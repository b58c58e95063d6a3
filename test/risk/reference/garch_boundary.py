"""Reference for the boundary-maximum tests of test/risk/garch.test.ts: the `arch` package (pip install arch), as in
garch_arch.py, on series whose likelihood has several local maxima and its best one on a boundary.

GARCH(1,1), arch_model(r, mean='Constant', vol='GARCH', p=1, q=1, dist='normal'):
  eps_t = r_t - mu,  sigma2_1 = omega + (alpha + beta) * backcast,  sigma2_{t+1} = omega + alpha eps_t^2 + beta sigma2_t,
  backcast = sum_{i<tau} w_i (r_i - mean r)^2, w_i = 0.94^i / sum_j 0.94^j, tau = min(75, n) (fixed while mu is fitted);
  log L = -1/2 sum_t (ln 2 pi + ln sigma2_t + eps_t^2 / sigma2_t), maximised jointly over (mu, omega, alpha, beta) with
  arch's bounds (omega > 0, alpha, beta >= 0, alpha + beta <= 1).
arch is fitted on 100 r (rescale=False) and mapped back: mu / 100, omega / 1e4, log L + n ln 100; the one-step forecast
is res.forecast(horizon=1).variance / 1e4 (fraction^2 per day).

SLSQP stops at whichever local maximum its start leads to, so every series is fitted from arch's own starting values
and from 28 more (mu = mean r, omega = (1 - alpha - beta) var r, (alpha, beta): alpha in {0, 0.001, 0.03, 0.15} with
alpha + beta in {0.5, 0.9, 0.96, 0.99, 0.999, 0.99999}, then (0.1, 0.001), (0.6, 0.3), (0.05, 0.9), (0.003, 0.99));
the reference is the best of all ('start': the one that reached it). 'twinLogLikelihood' is what the benchmark's twin
(test/bench/reference/risk_report.py: arch's own start, (0.05, 0.9) and (0.003, 0.99)) reaches on the same numbers.

Series: garch_boundary_series.json (eight assets of the risk benchmark's synthetic market, written by
garch_boundary_series.ts) and BTC daily log returns 2021-02-24..2024-02-24 (1,095) from ../shared/data/prices, a long
series with two interior maxima. Output: garch_boundary.json. Run: python3 test/risk/reference/garch_boundary.py
"""
import json
import os
import warnings

import numpy as np
import arch
from arch import arch_model

from _prices import closes

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.simplefilter('ignore')

STARTS = [(a, p - a) for p in (0.5, 0.9, 0.96, 0.99, 0.999, 0.99999) for a in (0.0, 0.001, 0.03, 0.15) if a < p]
STARTS += [(0.1, 0.001), (0.6, 0.3)]
TWIN_STARTS = [(0.05, 0.9), (0.003, 0.99)]
OPTIONS = {'ftol': 1e-12, 'maxiter': 1000}


def fit(r):
    r = np.asarray(r, dtype=float)
    n = r.size
    x = 100 * r
    model = arch_model(x, mean='Constant', vol='GARCH', p=1, q=1, dist='normal', rescale=False)

    def run(start):
        sv = None if start is None else np.array([x.mean(), (1 - start[0] - start[1]) * x.var(), start[0], start[1]])
        return model.fit(disp='off', show_warning=False, starting_values=sv, options=OPTIONS)

    own = run(None)
    twin = max([own] + [run(s) for s in TWIN_STARTS], key=lambda res: res.loglikelihood)
    best, best_start = own, 'arch'
    for s in STARTS + TWIN_STARTS:
        res = run(s)
        if res.loglikelihood > best.loglikelihood:
            best, best_start = res, [float(s[0]), float(s[1])]
    p = best.params
    return {
        'n': n, 'mu': p['mu'] / 100, 'omega': p['omega'] / 1e4, 'alpha': p['alpha[1]'], 'beta': p['beta[1]'],
        'logLikelihood': best.loglikelihood + n * np.log(100),
        'oneStep': float(best.forecast(horizon=1, reindex=False).variance.values[-1, 0] / 1e4),
        'start': best_start,
        'twinLogLikelihood': twin.loglikelihood + n * np.log(100),
    }


with open(os.path.join(HERE, 'garch_boundary_series.json')) as fh:
    series = json.load(fh)['series']
out = {'arch': arch.__version__, 'fits': {}}
for name, r in series.items():
    out['fits'][name] = fit(r)
out['fits']['BTC 2021-02-24..2024-02-24'] = fit(np.diff(np.log(closes('BTC', '2021-02-24', '2024-02-24'))))
with open(os.path.join(HERE, 'garch_boundary.json'), 'w') as fh:
    json.dump(out, fh, indent=2)
    fh.write('\n')
print(json.dumps(out, indent=2))
