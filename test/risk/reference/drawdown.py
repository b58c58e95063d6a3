"""Reference values for test/risk/drawdown.test.ts: drawdowns of a hand series and of SOL closes 2024-2025 (numpy)."""
import numpy as np
from _prices import closes


def stats(v):
    v = np.asarray(v, dtype=float)
    peak = np.maximum.accumulate(v)
    dd = 1 - v / peak
    trough = int(np.argmax(dd))  # first max
    mdd = float(dd[trough])
    # start: last index before the trough where v equals the running peak
    start = int(np.where(v[:trough + 1] == peak[trough])[0][-1]) if mdd > 0 else None
    rec = np.where(v[trough + 1:] >= v[start])[0] if mdd > 0 else []
    end = trough + 1 + int(rec[0]) if len(rec) else None
    under = v < peak
    longest, run = 0, 0
    for u in under:
        run = run + 1 if u else 0
        longest = max(longest, run)
    return dict(maxDrawdown=mdd, currentDrawdown=float(dd[-1]), start=start, trough=trough, end=end,
                maxDuration=longest, recovery=(end - trough) if end is not None else None)


print('hand', stats([100, 120, 90, 110, 130, 117, 65, 80, 130, 140, 126]))
print('hand unrecovered', stats([100, 100, 80, 90, 95]))
sol = closes('SOL', '2024-01-01', '2025-12-31')
print('SOL closes', stats(sol))
simple = np.array(sol[1:]) / np.array(sol[:-1]) - 1
curve = np.concatenate([[1.0], np.cumprod(1 + simple)])
print('SOL returns curve (empyrical max_drawdown)', stats(curve))

# Empty series: pandas' max of an empty Series is NaN, which is what quantstats' max_drawdown returns (not 0).
import pandas as pd
empty = pd.Series([], dtype=float)
print('empty series max drawdown (pandas)', float((1 - empty / empty.cummax()).max()))
