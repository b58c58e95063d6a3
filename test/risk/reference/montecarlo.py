"""Reference values for test/risk/montecarlo.test.ts: SOL/BTC/ETH daily log-return moments (2024-2025) and closed-form normal and Student-t VaR/ES of linear books."""
import numpy as np
from scipy.stats import norm, t
from _prices import closes

R = np.array([np.diff(np.log(closes(s, '2024-01-01', '2025-12-31'))) for s in ['SOL', 'BTC', 'ETH']])
mu = R.mean(axis=1)
cov = np.cov(R, ddof=1)
print('mean', [float(x) for x in mu])
print('cov', [[float(x) for x in row] for row in cov])


def normal(w, c, h):
    m, s = w @ mu * h, np.sqrt(w @ cov @ w * h)
    z = norm.ppf(c)
    return float(s * z - m), float(s * norm.pdf(z) / (1 - c) - m)


def student(w, c, h, nu):
    # X = m + s*sqrt((nu-2)/nu)*T_nu has standard deviation s
    m, s = w @ mu * h, np.sqrt(w @ cov @ w * h) * np.sqrt((nu - 2) / nu)
    q = t.ppf(c, nu)
    es = t.pdf(q, nu) * (nu + q * q) / ((nu - 1) * (1 - c))
    return float(s * q - m), float(s * es - m)


w = np.array([0.5, 0.3, 0.2])
usd = np.array([50_000.0, -20_000.0, 10_000.0])
for c in [0.95, 0.99]:
    print('weights c', c, 'normal h=1 (var, es)', normal(w, c, 1), 'normal h=10', normal(w, c, 10), 't4 h=1', student(w, c, 1, 4))
    print('usd c', c, 'normal h=1 (var, es)', normal(usd, c, 1), 't5 h=10', student(usd, c, 10, 5))
