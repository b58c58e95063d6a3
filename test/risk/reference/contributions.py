"""Reference values for test/risk/contributions.test.ts: Euler vol/VaR contributions (numpy, scipy norm) and historical component ES/VaR."""
import numpy as np
from scipy.stats import norm
from _prices import closes


def tail_p(c):
    """Tail probability 1 - c rounded to 12 decimals (src/risk/var.ts tailProbability): 1 - 0.95 is 0.05000000000000004."""
    return round(1 - c, 12)


ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK']
R = np.array([np.diff(c) / c[:-1] for c in (np.array(closes(a, '2024-01-31', '2025-08-13')) for a in ASSETS)])
S = np.cov(R, ddof=1)
w = np.array([50_000.0, 30_000.0, -20_000.0, 10_000.0, 5_000.0])  # USD exposures, ETH short

sigma = float(np.sqrt(w @ S @ w))
marg = S @ w / sigma
comp = w * marg
print('sigma', sigma)
print('marginal', [float(x) for x in marg])
print('component', [float(x) for x in comp])
print('percent', [float(x) for x in comp / sigma])
for c in (0.95, 0.99):
    z = norm.ppf(c)
    print('VaR', c, 'z', float(z), 'VaR', float(z * sigma), 'component', [float(x) for x in z * comp])


def simulated(pnl, c):
    total = pnl.sum(axis=1)
    cutoff = np.quantile(total, tail_p(c))  # numpy 'linear'
    tail = np.where(total <= cutoff)[0]
    tail = tail[np.argsort(total[tail], kind='stable')]
    es = -total[tail].mean()
    comp_es = -pnl[tail].mean(axis=0)
    order = np.argsort(total, kind='stable')
    h = (len(total) - 1) * tail_p(c)
    lo = int(np.floor(h))
    g = h - lo
    a, b = pnl[order[lo]], pnl[order[min(lo + 1, len(total) - 1)]]
    comp_var = -(a + (b - a) * g)
    return float(-cutoff), float(es), [float(x) for x in comp_es], [float(x) for x in comp_var], [int(i) for i in tail]


# Hand-made: 10 scenarios x 3 positions (USD PnL).
hand = np.array([
    [100, -50, 20], [-300, 120, -40], [50, 60, -10], [-80, -90, 30], [200, -10, -60],
    [-150, -20, 10], [10, 40, -5], [-400, 200, -100], [90, -30, 15], [-60, -70, -20],
], dtype=float)
for c in (0.8, 0.95):
    v, es, ces, cvar, tail = simulated(hand, c)
    print('hand', c, 'VaR', v, 'ES', es, 'compES', ces, 'compVaR', cvar, 'tail', tail)

# Historical: PnL_i,t = w_i * r_i,t over the 560 days.
pnl = (R * w[:, None]).T
for c in (0.95, 0.99):
    v, es, ces, cvar, tail = simulated(pnl, c)
    print('hist', c, 'VaR', v, 'ES', es, 'compES', ces, 'compVaR', cvar, 'tail size', len(tail))
