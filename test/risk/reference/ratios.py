"""Reference values for test/risk/ratios.test.ts: empyrical's Sharpe/Sortino/Calmar/annual_return re-implemented in numpy."""
import numpy as np
from _prices import closes


def annual_return(r, N):  # empyrical.annual_return: cum_returns_final ** (1 / (n / N)) - 1
    return np.prod(1 + r) ** (1 / (len(r) / N)) - 1


def sharpe(r, N, rf=0.0):  # empyrical.sharpe_ratio
    a = r - rf
    return np.mean(a) / np.std(a, ddof=1) * np.sqrt(N)


def downside(r, target=0.0):  # empyrical.downside_risk per period (before * sqrt(N))
    d = np.clip(r - target, -np.inf, 0)
    return np.sqrt(np.mean(d ** 2))


def sortino(r, N, target=0.0):  # empyrical.sortino_ratio
    return np.mean(r - target) * N / (downside(r, target) * np.sqrt(N))


def max_dd(r):  # empyrical.max_drawdown, as a positive fraction
    c = np.concatenate([[1.0], np.cumprod(1 + r)])
    return -np.min((c - np.maximum.accumulate(c)) / np.maximum.accumulate(c))


def show(name, r, N, rf=0.0, target=0.0):
    r = np.asarray(r, dtype=float)
    print(name, dict(total=float(np.prod(1 + r) - 1), annual=float(annual_return(r, N)), sharpe=float(sharpe(r, N, rf)),
                     downside=float(downside(r, target)), sortino=float(sortino(r, N, target)), maxdd=float(max_dd(r)),
                     calmar=float(annual_return(r, N) / max_dd(r))))


if __name__ == '__main__':
    hand = [0.01, -0.02, 0.015, 0.03, -0.01, 0.0, 0.005, -0.004]
    show('hand N=365', hand, 365)
    show('hand N=252 rf=0.0001 target=0.001', hand, 252, 0.0001, 0.001)
    sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
    simple = sol[1:] / sol[:-1] - 1
    show('SOL simple N=365', simple, 365)
    show('SOL simple N=365 rf=0.05/365', simple, 365, 0.05 / 365, 0.0)
