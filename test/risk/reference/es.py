"""Reference values for test/risk/es.test.ts: historical ES (-mean of r <= np.quantile(r, 1-c)) and normal ES (scipy)."""
import numpy as np
from scipy.stats import norm
from _prices import closes


def tail_p(c):
    """Tail probability 1 - c rounded to 12 decimals (src/risk/var.ts tailProbability): 1 - 0.95 is 0.05000000000000004."""
    return round(1 - c, 12)



def hist_es(r, c, h=1):
    q = np.quantile(r, tail_p(c))
    return -r[r <= q].mean() * np.sqrt(h)


def param_es(mu, sd, c, h=1, adj=False):
    z = norm.ppf(c)
    return sd * norm.pdf(z) / (1 - c) * np.sqrt(h) - (mu * h if adj else 0)


hand = np.array([0.03, -0.05, 0.01, -0.02, 0.04, -0.08, 0.0, 0.02, -0.01, 0.05])
mu, sd = hand.mean(), hand.std(ddof=1)
print('hand histES80', float(hist_es(hand, 0.8)), 'histES95', float(hist_es(hand, 0.95)), 'histES80 h=4', float(hist_es(hand, 0.8, 4)))
print('hand paramES95', float(param_es(mu, sd, 0.95)), 'paramES99 h=10 adj', float(param_es(mu, sd, 0.99, 10, True)))

sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
simple = sol[1:] / sol[:-1] - 1
mu, sd = simple.mean(), simple.std(ddof=1)
for c in [0.95, 0.99]:
    print('SOL simple c', c, 'histES', float(hist_es(simple, c)), 'tail n', int((simple <= np.quantile(simple, tail_p(c))).sum()),
          'paramES', float(param_es(mu, sd, c)), 'paramES adj', float(param_es(mu, sd, c, 1, True)))
