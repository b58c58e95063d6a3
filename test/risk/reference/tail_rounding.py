"""Reference for the round-confidence tail fix (test/risk/es.test.ts, var.test.ts, contributions.test.ts).

Formula: p = round(1 - c, 12) (decimal tail probability; 1 - 0.9 is 0.09999999999999998 in binary),
VaR = -np.quantile(r, p, method='linear'), ES = -mean(r[r <= np.quantile(r, p)]).
Data: r = [-0.5, -0.001, 0.00, 0.01, ..., 0.08] (11 returns), c = 0.9, so (n - 1)(1 - c) = 1 exactly and the tail
is the two smallest returns. The wide gap below -0.001 makes numpy's unrounded lerp land visibly below -0.001. Run: python3 test/risk/reference/tail_rounding.py
"""
import numpy as np

r = np.array([-0.5, -0.001] + [k / 100 for k in range(0, 9)])
c = 0.9
p = round(1 - c, 12)
q = np.quantile(r, p)
print('r', r.tolist())
print('n', len(r), 'p', p, 'VaR', float(-q), 'ES', float(-r[r <= q].mean()), 'tail n', int((r <= q).sum()))
# Unrounded, as numpy sees it: the tail count drops to 1.
q_raw = np.quantile(r, 1 - c)
print('unrounded tail n', int((r <= q_raw).sum()), 'ES', float(-r[r <= q_raw].mean()))

# simulatedContributions: scenarios x 2 positions, portfolio PnL = row sum = r above (position 0 = r/2, position 1 = r/2).
pnl = np.column_stack([r / 2, r / 2])
tail = pnl.sum(axis=1) <= q
print('contrib ES components', (-pnl[tail].mean(axis=0)).tolist(), 'tail scenarios', np.flatnonzero(tail).tolist())
