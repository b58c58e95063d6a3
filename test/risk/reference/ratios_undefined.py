"""Reference for the "undefined is not infinite" tests in test/risk/ratios.test.ts: the denominators numpy computes for
the series used there. Rule (README "Risk conventions"): a ratio whose denominator is 0 or <= 1e-12 is NaN.
  Sharpe denominator: np.std(r - rf, ddof=1);  Sortino: sqrt(mean(min(r - target, 0)^2));  Calmar: max drawdown of
  [1, cumprod(1 + r)]."""
import numpy as np

GUARD = 1e-12


def downside(r, target=0.0):
    d = np.minimum(np.asarray(r) - target, 0)
    return float(np.sqrt(np.mean(d * d)))


def max_dd(r):
    curve = np.concatenate([[1.0], np.cumprod(1 + np.asarray(r))])
    return float(np.max(1 - curve / np.maximum.accumulate(curve)))


for r in ([0.01, 0.01, 0.01], [-0.002, -0.002], [0.0, 0.0, 0.0], [0.01, 0.01 + 1e-15, 0.01]):
    sd = float(np.std(r, ddof=1))
    print('sharpe denominator', r, sd, 'undefined' if sd <= GUARD else 'defined')
for r in ([0.01, 0.02, 0.005], [0.0, 0.0, 0.0], [0.01], [0.01, -1e-14, 0.02]):
    dd = downside(r)
    print('sortino denominator', r, dd, 'undefined' if dd <= GUARD else 'defined')
for r in ([0.01, 0.02], [0.0, 0.0], [0.01, -1e-14, 0.02]):
    m = max_dd(r)
    print('calmar denominator', r, m, 'undefined' if m <= GUARD else 'defined')
