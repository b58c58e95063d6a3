"""Reference values for test/risk/volatility.test.ts: sample stdev (ddof=1) and annualised vol (numpy).

RiskMetrics EWMA is checked against the `arch` package instead (EWMAVariance seeded with arch's backcast): see
garch_arch.py, whose output garch_arch.json has an "ewma" section."""
import numpy as np
from _prices import closes

hand = np.array([0.01, -0.02, 0.015, 0.03, -0.01, 0.0])
print('hand mean', float(hand.mean()), 'var ddof1', float(hand.var(ddof=1)), 'stdev', float(hand.std(ddof=1)))
print('hand annualised 365', float(hand.std(ddof=1) * np.sqrt(365)), '252', float(hand.std(ddof=1) * np.sqrt(252)))

sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
log = np.log(sol[1:] / sol[:-1])
print('sol log stdev', float(log.std(ddof=1)), 'annualised 365', float(log.std(ddof=1) * np.sqrt(365)))
