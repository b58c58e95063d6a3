"""Reference values for test/risk/beta.test.ts: beta = cov/var (np.cov ddof=1), alpha, R², residual sd; cross-checked with scipy linregress."""
import csv
import os
import numpy as np
from scipy import stats
from _prices import SHARED, closes


def report(name, r, b):
    c = np.cov(r, b, ddof=1)
    beta = c[0, 1] / c[1, 1]
    alpha = r.mean() - beta * b.mean()
    corr = np.corrcoef(r, b)[0, 1]
    resid = r - alpha - beta * b
    lr = stats.linregress(b, r)
    assert abs(lr.slope - beta) < 1e-12 * abs(beta) + 1e-15 and abs(lr.intercept - alpha) < 1e-12
    print(name, 'n', len(r), 'beta', float(beta), 'alpha', float(alpha), 'corr', float(corr), 'r2', float(corr ** 2),
          'residual sd (ddof=2)', float(np.sqrt((resid ** 2).sum() / (len(r) - 2))))


# Hand-made: r = asset returns, b = benchmark returns (8 periods).
report('hand', np.array([0.02, -0.01, 0.03, 0.00, -0.02, 0.04, 0.01, -0.03]),
       np.array([0.01, -0.02, 0.02, 0.01, -0.01, 0.03, 0.00, -0.02]))

# Real: daily simple returns 2024-02-01..2025-08-13 (560), each asset against BTC and against SOL.
R = {a: (lambda c: np.diff(c) / c[:-1])(np.array(closes(a, '2024-01-31', '2025-08-13'))) for a in ['SOL', 'BTC', 'ETH', 'JUP', 'BONK']}
for a in ['SOL', 'ETH', 'JUP', 'BONK']:
    report(f'{a}~BTC', R[a], R['BTC'])
for a in ['JUP', 'BONK']:
    report(f'{a}~SOL', R[a], R['SOL'])


def dated_returns(symbol, start, end):
    with open(os.path.join(SHARED, 'data', 'prices', f'{symbol}-USD.daily.csv'), newline='') as f:
        rows = [(r['date'], float(r['close'])) for r in csv.DictReader(f)]
    return {rows[i][0]: rows[i][1] / rows[i - 1][1] - 1 for i in range(1, len(rows)) if start <= rows[i][0] <= end}


# Timed: WIF returns (its whole file, from 2024-01-01-ish) against BTC returns dated 2024-06-01..2025-12-31.
wif = dated_returns('WIF', '2000-01-01', '2100-01-01')
btc = dated_returns('BTC', '2024-06-01', '2025-12-31')
common = sorted(set(wif) & set(btc))
print('timed first/last', common[0], common[-1])
report('WIF~BTC timed', np.array([wif[d] for d in common]), np.array([btc[d] for d in common]))
