"""Reference values for test/risk/correlation.test.ts: np.corrcoef of hand and real daily returns, and on common dates."""
import csv
import os
import numpy as np
from _prices import SHARED, closes

hand = np.array([
    [0.01, -0.02, 0.03, 0.00, -0.01, 0.02],
    [0.02, -0.01, 0.01, 0.01, -0.03, 0.04],
    [-0.01, 0.00, 0.02, -0.02, 0.01, 0.00],
])
print('hand corr =', [[float(x) for x in row] for row in np.corrcoef(hand)])

# SOL, BTC, ETH, JUP, BONK simple daily returns over 2024-02-01..2025-08-13 (closes from 2024-01-31, 560 returns).
ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK']
R = np.array([np.diff(c) / c[:-1] for c in (np.array(closes(a, '2024-01-31', '2025-08-13')) for a in ASSETS)])
C = np.corrcoef(R)
print('real corr =', [[float(x) for x in row] for row in C])
print('real corr min eigenvalue =', float(np.linalg.eigvalsh(C).min()))


def dated_returns(symbol, start, end):
    """{date: simple return} for returns dated start..end (the return dated D is close(D)/close(D-1) - 1)."""
    with open(os.path.join(SHARED, 'data', 'prices', f'{symbol}-USD.daily.csv'), newline='') as f:
        rows = [(r['date'], float(r['close'])) for r in csv.DictReader(f)]
    return {rows[i][0]: rows[i][1] / rows[i - 1][1] - 1 for i in range(1, len(rows)) if start <= rows[i][0] <= end}


# Misaligned windows: BTC returns 2023-12-01..2025-08-13, JUP 2024-02-01..2025-12-31, SOL 2024-06-01..2025-12-31.
btc = dated_returns('BTC', '2023-12-01', '2025-08-13')
jup = dated_returns('JUP', '2024-02-01', '2025-12-31')
sol = dated_returns('SOL', '2024-06-01', '2025-12-31')
common = sorted(set(btc) & set(jup) & set(sol))
print('timed common days =', len(common), common[0], common[-1])
T = np.array([[d[k] for k in common] for d in (btc, jup, sol)])
print('timed corr (BTC, JUP, SOL) =', [[float(x) for x in row] for row in np.corrcoef(T)])
