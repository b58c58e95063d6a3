"""Reference values for test/risk/covariance.test.ts: np.cov (ddof=1) of a hand matrix and of real daily simple returns."""
import numpy as np
from _prices import closes

np.set_printoptions(precision=17)

# Hand-made: 3 assets x 6 periods (rows are assets).
hand = np.array([
    [0.01, -0.02, 0.03, 0.00, -0.01, 0.02],
    [0.02, -0.01, 0.01, 0.01, -0.03, 0.04],
    [-0.01, 0.00, 0.02, -0.02, 0.01, 0.00],
])
print('hand cov =', [[float(x) for x in row] for row in np.cov(hand, ddof=1)])

# Real: SOL, BTC, ETH, JUP, BONK daily closes 2024-01-31..2025-08-13 (561 closes, same dates in every file)
# -> 560 simple returns p[t]/p[t-1] - 1 dated 2024-02-01..2025-08-13.
ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK']
R = np.array([np.diff(c) / c[:-1] for c in (np.array(closes(a, '2024-01-31', '2025-08-13')) for a in ASSETS)])
print('real periods =', R.shape[1])
print('real cov =', [[float(x) for x in row] for row in np.cov(R, ddof=1)])
