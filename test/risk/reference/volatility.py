"""Reference values for test/risk/volatility.test.ts: sample stdev (ddof=1), annualised vol and RiskMetrics EWMA (numpy)."""
import numpy as np
from _prices import closes


def ewma(r, lam=0.94, window=30):
    """sigma2_0 = mean(r[:min(30, n)]**2); sigma2_t = lam*sigma2_{t-1} + (1-lam)*r_{t-1}**2; returns sigmas after each r."""
    r = np.asarray(r, dtype=float)
    v = np.mean(r[:min(window, len(r))] ** 2)
    seed = v
    out = []
    for x in r:
        v = lam * v + (1 - lam) * x * x
        out.append(np.sqrt(v))
    return seed, np.array(out)


hand = np.array([0.01, -0.02, 0.015, 0.03, -0.01, 0.0])
print('hand mean', float(hand.mean()), 'var ddof1', float(hand.var(ddof=1)), 'stdev', float(hand.std(ddof=1)))
print('hand annualised 365', float(hand.std(ddof=1) * np.sqrt(365)), '252', float(hand.std(ddof=1) * np.sqrt(252)))
seed, s = ewma(hand)
print('hand ewma seed', float(seed), 'series', [float(x) for x in s])
seed, s = ewma(hand, 0.8)
print('hand ewma lam .8 latest', float(s[-1]))

sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
log = np.log(sol[1:] / sol[:-1])
print('sol log stdev', float(log.std(ddof=1)), 'annualised 365', float(log.std(ddof=1) * np.sqrt(365)))
seed, s = ewma(log)
print('sol ewma seed', float(seed), 'latest', float(s[-1]), 's[0]', float(s[0]), 's[99]', float(s[99]))
