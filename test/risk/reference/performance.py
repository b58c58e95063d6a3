"""Reference values for test/risk/performance.test.ts: seed 003 PerformanceMetrics from returns (empyrical formulas) and trade PnLs."""
import numpy as np
from ratios import annual_return, sharpe, sortino, max_dd
from _prices import closes



def win_rate(pnl):
    """quantstats.stats.win_rate: wins / non-zero trades (a break-even trade is neither); 0.0 when there are none."""
    pnl = np.asarray(pnl, dtype=float)
    nonzero = pnl[pnl != 0]
    return float((nonzero > 0).sum() / len(nonzero)) if len(nonzero) else 0.0


def profit_factor(pnl):
    """Gross profit / gross loss (quantstats.stats.profit_factor); the issue's rule: 0.0 with no non-zero trade,
    +inf with gains and no losses."""
    pnl = np.asarray(pnl, dtype=float)
    gain, loss = pnl[pnl > 0].sum(), -pnl[pnl < 0].sum()
    if gain == 0 and loss == 0:
        return 0.0
    return float('inf') if loss == 0 else float(gain / loss)


trades = np.array([120.0, -40.0, 75.5, 0.0, -210.25, 33.0, 410.0, -15.0])
wins, losses = trades[trades > 0], trades[trades < 0]
for case in ([], [0.0, 0.0], [10.0, 5.0], [10.0, 0.0, -5.0]):
    print('trades', case, 'win_rate', win_rate(case), 'profit_factor', profit_factor(case))
print('trades', dict(win_rate=win_rate(trades), profit_factor=profit_factor(trades),
                     average_win=float(wins.mean()), average_loss=float(losses.mean()), largest_win=float(wins.max()),
                     largest_loss=float(losses.min()), total=len(trades), winning=len(wins), losing=len(losses)))

sol = np.array(closes('SOL', '2024-01-01', '2025-12-31'))
r = sol[1:] / sol[:-1] - 1
N = 365
print('SOL', dict(total_return=float(np.prod(1 + r) - 1), annualized_return=float(annual_return(r, N)),
                  volatility=float(np.std(r, ddof=1) * np.sqrt(N)), sharpe=float(sharpe(r, N)), sortino=float(sortino(r, N)),
                  calmar=float(annual_return(r, N) / max_dd(r)), max_drawdown=float(max_dd(r))))
