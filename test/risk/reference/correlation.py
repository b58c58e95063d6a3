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

# Pairwise-complete (what users see): pandas DataFrame.corr() on the same misaligned windows — each pair over the
# dates both have (BTC-JUP 2024-02-01..2025-08-13, BTC-SOL 2024-06-01..2025-08-13, JUP-SOL 2024-06-01..2025-12-31).
import pandas as pd
frame = pd.DataFrame({'BTC': pd.Series(btc), 'JUP': pd.Series(jup), 'SOL': pd.Series(sol)})
pw = frame.corr()
print('pairwise corr (BTC, JUP, SOL) =', [[float(x) for x in row] for row in pw.values])
print('pairwise counts =', [[int(x) for x in row] for row in frame.notna().astype(int).T.dot(frame.notna().astype(int)).values])
# Hand case: a shares 4 dates with b, c is constant where it overlaps a → NaN, as pandas.
hand = pd.DataFrame({'a': pd.Series({1: 0.01, 2: -0.02, 3: 0.03, 4: 0.0, 5: 0.05}),
                     'b': pd.Series({5: 0.02, 4: 0.01, 2: -0.01, 1: 0.02, 9: 0.7}),
                     'c': pd.Series({3: 0.01, 4: 0.01, 9: 0.02})})
print('hand pairwise =', [[float(x) for x in row] for row in hand.corr().values])

# The report's pairwise correlation (test/risk/report.test.ts): dated closes BTC from 2024-01-01, ETH from 2024-03-01,
# SOL from 2024-06-01, all to 2025-06-30; returns dated by the later close (so from the day after each start).
rep = pd.DataFrame({'BTC': pd.Series(dated_returns('BTC', '2024-01-02', '2025-06-30')),
                    'ETH': pd.Series(dated_returns('ETH', '2024-03-02', '2025-06-30')),
                    'SOL': pd.Series(dated_returns('SOL', '2024-06-02', '2025-06-30'))}).corr()
print('report pairwise corr (BTC, ETH, SOL) =', [[float(x) for x in row] for row in rep.values])
