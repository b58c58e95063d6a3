"""Reference values for test/risk/sizing.test.ts: PositionSizer formulas on SOL's real vol, VaR and moments (numpy)."""
import numpy as np
from _prices import closes

equity = 100_000.0
print('fixedFraction 2%', equity * 0.02, 'with 5% stop', equity * 0.02 / 0.05)

# SOL daily simple returns 2024-02-01..2025-08-13 (closes from 2024-01-31, 560 returns).
sol = np.array(closes('SOL', '2024-01-31', '2025-08-13'))
r = np.diff(sol) / sol[:-1]
vol_annual = r.std(ddof=1) * np.sqrt(365)
var95 = -np.quantile(r, 0.05)  # historical 1-day VaR, 'linear'
mu, var = r.mean(), r.var(ddof=1)
print('SOL annual vol', float(vol_annual), 'volTarget 15%', float(equity * 0.15 / vol_annual))
print('SOL 1d VaR95', float(var95), 'varBudget 1%', float(equity * 0.01 / var95))
print('SOL daily mean', float(mu), 'variance', float(var), 'kelly', float(mu / var), 'halfKelly', float(equity * mu / var / 2))
