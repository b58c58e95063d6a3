"""Reference numbers for src/risk/report.ts: a SOL/BTC/ETH book plus a SOL/USDC DLMM LP, real daily closes."""
import math

import numpy as np
from scipy.stats import norm

from _prices import closes

START, END = '2024-01-01', '2025-06-30'
ASSETS = ['BTC', 'ETH', 'SOL', 'USDC']
PRICES = {'BTC': 50000.0, 'ETH': 2000.0, 'SOL': 100.0, 'USDC': 1.0}
# Linear positions: units of each asset (spot or perp, signed).
UNITS = {'SOL': 10.0, 'BTC': -0.01, 'ETH': 0.5}
# LP: 11 bins of $100 liquidity each around SOL = 100, bin step 20 bp (bin price = 1.002**id).
BIN_STEP = 20
BINS = [(2300 + k, 100.0) for k in range(11)]
EQUITY = 2000.0
C = 0.95


def lp_value(p_base: float, p_quote: float) -> float:
    """DLMM value: per bin, quote share = clip(log(P/Pb)/log(1+s), 0, 1); base = L(1-share)/Pb; value = base*P + quote."""
    pair = p_base / p_quote
    total = 0.0
    for bid, liq in BINS:
        lo = (1 + BIN_STEP / 1e4) ** bid
        hi = (1 + BIN_STEP / 1e4) ** (bid + 1)
        share = 1.0 if pair >= hi else 0.0 if pair <= lo else math.log(pair / lo) / math.log(hi / lo)
        base = liq * (1 - share) / lo
        total += (base * pair + liq * share) * p_quote
    return total


def main() -> None:
    c = {a: np.array(closes(a, START, END)) for a in ASSETS}
    n = len(c['SOL'])
    assert all(len(v) == n for v in c.values())
    v0 = lp_value(PRICES['SOL'], PRICES['USDC'])
    out = {'n': n, 'lpValue0': v0}
    for h in (1, 7):
        r = {a: c[a][h:] / c[a][:-h] - 1 for a in ASSETS}
        lin = sum(UNITS[a] * PRICES[a] * r[a] for a in UNITS)
        lp = np.array([lp_value(PRICES['SOL'] * (1 + rs), PRICES['USDC'] * (1 + rq)) - v0 for rs, rq in zip(r['SOL'], r['USDC'])])
        pnl = lin + lp
        frac = pnl / EQUITY
        var = -np.quantile(frac, 1 - C)
        es = -frac[frac <= -var].mean()
        out[f'h{h}'] = {'var': var, 'es': es}
        if h == 1:
            tail = pnl <= -var * EQUITY
            contrib = {a: -(UNITS[a] * PRICES[a] * r[a][tail]).mean() for a in UNITS}
            contrib['LP'] = -lp[tail].mean()
            out['contrib'] = contrib
            daily = frac
            out['volAnnual'] = daily.std(ddof=1) * math.sqrt(365)
            out['sharpe'] = daily.mean() / daily.std(ddof=1) * math.sqrt(365)
            eq = np.cumprod(np.concatenate([[1.0], 1 + daily]))
            out['maxDrawdown'] = float((1 - eq / np.maximum.accumulate(eq)).max())
            out['betaSOL'] = np.cov(daily, r['SOL'], ddof=1)[0, 1] / r['SOL'].var(ddof=1)
            rd = np.array([r[a] for a in ASSETS])
            cov = np.cov(rd, ddof=1)
            # Deltas: linear exposures, plus the LP's inventory delta on SOL = base held × price (the hedger's delta).
            pair = PRICES['SOL'] / PRICES['USDC']
            base_held = 0.0
            for bid, liq in BINS:
                lo, hi = (1 + BIN_STEP / 1e4) ** bid, (1 + BIN_STEP / 1e4) ** (bid + 1)
                share = 1.0 if pair >= hi else 0.0 if pair <= lo else math.log(pair / lo) / math.log(hi / lo)
                base_held += liq * (1 - share) / lo
            lp_delta = base_held * PRICES['SOL']
            delta = np.array([UNITS.get(a, 0.0) * PRICES[a] + (lp_delta if a == 'SOL' else 0.0) for a in ASSETS])
            sd = math.sqrt(delta @ cov @ delta) / EQUITY
            z = norm.ppf(C)
            out['parametric'] = {'var': z * sd, 'es': sd * norm.pdf(z) / (1 - C)}
            out['corrSolBtc'] = np.corrcoef(r['SOL'], r['BTC'])[0, 1]
    for k, v in out.items():
        print(k, v)


if __name__ == '__main__':
    main()
