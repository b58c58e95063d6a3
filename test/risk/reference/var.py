"""Reference values for test/risk/var.test.ts: np.quantile (method='linear') VaR and scipy normal VaR, hand series and SOL."""
import numpy as np
from scipy.stats import norm
from _prices import closes


def tail_p(c):
    """Tail probability 1 - c rounded to 12 decimals (src/risk/var.ts tailProbability): 1 - 0.95 is 0.05000000000000004."""
    return round(1 - c, 12)


hand = np.array([0.03, -0.05, 0.01, -0.02, 0.04, -0.08, 0.0, 0.02, -0.01, 0.05])
for p in [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.55, 0.95, 1.0]:
    print('hand quantile', p, float(np.quantile(hand, p)))
print('hand histVaR95', float(-np.quantile(hand, tail_p(0.95))), 'histVaR99', float(-np.quantile(hand, tail_p(0.99))),
      'histVaR95 h=10', float(-np.quantile(hand, tail_p(0.95)) * np.sqrt(10)))
mu, sd = hand.mean(), hand.std(ddof=1)
print('hand mean', float(mu), 'sd', float(sd))
print('hand paramVaR95', float(norm.ppf(0.95) * sd), 'paramVaR99 h=10', float(norm.ppf(0.99) * sd * np.sqrt(10)),
      'paramVaR95 mean-adjusted h=5', float(norm.ppf(0.95) * sd * np.sqrt(5) - mu * 5))

sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
simple = sol[1:] / sol[:-1] - 1
mu, sd = simple.mean(), simple.std(ddof=1)
for c in [0.95, 0.99]:
    print('SOL simple c', c, 'histVaR', float(-np.quantile(simple, tail_p(c))), 'paramVaR', float(norm.ppf(c) * sd),
          'paramVaR mean-adj', float(norm.ppf(c) * sd - mu), 'histVaR h=10', float(-np.quantile(simple, tail_p(c)) * np.sqrt(10)))
print('z95', float(norm.ppf(0.95)), 'z99', float(norm.ppf(0.99)))
