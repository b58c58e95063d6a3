"""Reference values for test/risk/signals.test.ts: mean-reversion z, reversion return, return-stdev risk and ranking (numpy)."""
import numpy as np
from _prices import closes

ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'WIF', 'JTO', 'PYTH', 'RAY']


def signal(prices, lookback=20, entry=2.0, exit_=0.5):
    p = np.array(prices[-(lookback + 1):])
    window, price = p[:-1], p[-1]
    m, sd = window.mean(), window.std(ddof=1)
    z = (price - m) / sd
    risk = (np.diff(window) / window[:-1]).std(ddof=1)
    er = abs(m / price - 1)
    action = 'enter' if abs(z) > entry else 'exit' if abs(z) < exit_ else 'hold'
    return dict(z=float(z), action=action, mean=float(m), sd=float(sd), move=float(m / price - 1), er=float(er),
                risk=float(risk), score=float(er / risk))


# Hand-made: 6 prices, lookback 5 (window = first 5, current = last).
print('hand', signal([10.0, 10.5, 9.8, 10.2, 10.0, 11.2], lookback=5))

# Real: closes 2025-07-01..D, lookback 20 (window = the 20 closes before D), at D = 2025-08-13 and D = 2025-10-10.
for day in ('2025-08-13', '2025-10-10'):
    sigs = {a: signal(closes(a, '2025-07-01', day)) for a in ASSETS}
    for a, s in sigs.items():
        print(day, a, s)
    ranked = sorted((a for a in ASSETS if sigs[a]['action'] == 'enter'), key=lambda a: (-sigs[a]['score'], a))
    print(day, 'ranking', ranked)
