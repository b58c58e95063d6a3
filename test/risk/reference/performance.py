"""Reference values for test/risk/performance.test.ts: seed 003 PerformanceMetrics from returns (empyrical formulas) and trade PnLs."""
import numpy as np
from ratios import annual_return, sharpe, sortino, max_dd
from _prices import closes

trades = np.array([120.0, -40.0, 75.5, 0.0, -210.25, 33.0, 410.0, -15.0])
wins, losses = trades[trades > 0], trades[trades < 0]
print('trades', dict(win_rate=float(len(wins) / len(trades)), profit_factor=float(wins.sum() / -losses.sum()),
                     average_win=float(wins.mean()), average_loss=float(losses.mean()), largest_win=float(wins.max()),
                     largest_loss=float(losses.min()), total=len(trades), winning=len(wins), losing=len(losses)))

sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
r = sol[1:] / sol[:-1] - 1
N = 365
print('SOL', dict(total_return=float(np.prod(1 + r) - 1), annualized_return=float(annual_return(r, N)),
                  volatility=float(np.std(r, ddof=1) * np.sqrt(N)), sharpe=float(sharpe(r, N)), sortino=float(sortino(r, N)),
                  calmar=float(annual_return(r, N) / max_dd(r)), max_drawdown=float(max_dd(r))))
