#!/usr/bin/env python3
"""Measure market statistics from real daily closes and print src/venues/paper/calibration.ts.

Usage (from the project root):

    python3 test/tools/calibrate.py > src/venues/paper/calibration.ts

Inputs: <shared>/data/prices/<ASSET>-USD.daily.csv (`date,close`, ascending, one row per UTC day),
described in <shared>/data/prices/SOURCES.md. <shared> defaults to `<project root>/../shared`
(the project root is two levels above this file) and can be overridden with VIGIL_SHARED_DIR.
The data is read in place; nothing is written except the TypeScript module on stdout.

Requires python3 + numpy + scipy only. The output is deterministic: every figure is rounded to
6 significant digits (correlations to 4 decimals) and the Student-t fit uses a tightly converged,
deterministic Nelder-Mead so the printed digits do not depend on optimiser noise.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import scipy.optimize
import scipy.stats

ASSETS = ('SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'JTO', 'PYTH', 'RAY', 'WIF', 'USDC')
STABLE = 'USDC'
DAYS_PER_YEAR = 365  # crypto trades every day
DOF_MIN, DOF_MAX = 2.5, 30.0
SIG_DIGITS = 6
CORR_DECIMALS = 4


USDC_AR_FROM = '2024-01-01'
COPULA_DOF_GRID = (3, 4, 5, 6, 8, 12, 30)


def fail(msg: str) -> None:
    sys.stderr.write(f'calibrate.py: {msg}\n')
    sys.exit(1)


def shared_dir() -> Path:
    env = os.environ.get('VIGIL_SHARED_DIR')
    if env:
        return Path(env).resolve()
    root = Path(__file__).resolve().parents[2]  # <root>/test/tools/calibrate.py -> <root>
    return (root.parent / 'shared').resolve()


def read_daily(path: Path) -> tuple[list[str], np.ndarray, str]:
    """Return (dates, closes, last close exactly as written in the file)."""
    if not path.is_file():
        fail(f'missing price file {path}')
    with path.open(newline='') as fh:
        rows = list(csv.reader(fh))
    if not rows or [c.strip() for c in rows[0]] != ['date', 'close']:
        fail(f'{path.name}: expected header "date,close"')
    dates: list[str] = []
    closes: list[float] = []
    last_raw = ''
    for i, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 2:
            fail(f'{path.name}:{i}: expected 2 columns')
        day, raw = row[0].strip(), row[1].strip()
        dt.date.fromisoformat(day)  # raises on a malformed date
        dates.append(day)
        closes.append(float(raw))
        last_raw = raw
    if len(dates) < 3:
        fail(f'{path.name}: too few rows')
    # The files are documented as gap-free and strictly ascending; a gap would turn a
    # multi-day move into one "daily" return, so refuse rather than measure silently.
    for a, b in zip(dates, dates[1:]):
        if dt.date.fromisoformat(b) - dt.date.fromisoformat(a) != dt.timedelta(days=1):
            fail(f'{path.name}: dates not consecutive ({a} -> {b})')
    return dates, np.asarray(closes, dtype=np.float64), last_raw


def log_returns(dates: list[str], closes: np.ndarray) -> tuple[list[str], np.ndarray, int]:
    """Daily log returns r_t = ln(P_t / P_{t-1}), dated by t; non-finite values dropped."""
    with np.errstate(divide='ignore', invalid='ignore'):
        logp = np.where(closes > 0, np.log(np.where(closes > 0, closes, 1.0)), np.nan)
        r = np.diff(logp)
    keep = np.isfinite(r)
    kept_dates = [d for d, k in zip(dates[1:], keep) if k]
    return kept_dates, r[keep], int((~keep).sum())


def _tight_fmin(func, x0, args=(), disp=0):  # noqa: ANN001 - scipy optimizer protocol
    # scipy's default fit optimiser stops at xtol=1e-4, which leaves the 5th-6th significant
    # digit of nu to chance; converge far past the 6 digits that are printed.
    return scipy.optimize.fmin(
        func, x0, args=args, disp=0, xtol=1e-12, ftol=1e-14, maxiter=100_000, maxfun=200_000
    )


def t_dof(x: np.ndarray) -> float:
    """Raw (unclamped) Student-t nu, MLE on x standardised to zero mean / unit variance."""
    z = (x - x.mean()) / x.std(ddof=1)
    nu, _loc, _scale = scipy.stats.t.fit(z, floc=0, optimizer=_tight_fmin)
    return float(nu)


def clamp_dof(nu: float) -> float:
    return min(max(nu, DOF_MIN), DOF_MAX)


def sig(x: float, digits: int = SIG_DIGITS) -> str:
    """Round to `digits` significant digits; plain decimal notation, no trailing zeros."""
    if not math.isfinite(x):
        fail(f'non-finite value {x!r} in output')
    d = Decimal(f'{x:.{digits}g}')
    if d == 0:
        return '0'
    s = format(d, 'f')
    if '.' in s:
        s = s.rstrip('0').rstrip('.')
    return s


def fixed(x: float, decimals: int = CORR_DECIMALS) -> str:
    s = f'{x:.{decimals}f}'
    if '.' in s:
        s = s.rstrip('0').rstrip('.')
    return '0' if s in ('-0', '') else s


def main() -> None:
    prices = shared_dir() / 'data' / 'prices'
    stats: dict[str, dict[str, object]] = {}
    returns: dict[str, dict[str, float]] = {}
    notes: list[str] = []

    for asset in ASSETS:
        dates, closes, last_raw = read_daily(prices / f'{asset}-USD.daily.csv')
        rdates, r, dropped = log_returns(dates, closes)
        if dropped:
            notes.append(f'{asset}: {dropped} non-finite return(s) dropped')
        returns[asset] = dict(zip(rdates, r.tolist()))
        daily_vol = float(r.std(ddof=1))
        stats[asset] = {
            'n': int(r.size),
            'firstDate': rdates[0],
            'lastDate': rdates[-1],
            'dailyVol': daily_vol,
            'annualVol': daily_vol * math.sqrt(DAYS_PER_YEAR),
            'meanDailyLogReturn': float(r.mean()),
            'skew': float(scipy.stats.skew(r, bias=False)),
            'excessKurtosis': float(scipy.stats.kurtosis(r, fisher=True, bias=False)),
            'rawDof': t_dof(r),
            'lastClose': last_raw,
            'closes': closes,
            'dates': dates,
        }

    # USDC: AR(1) without intercept on the log price deviation x_t = ln(P_t), by OLS.
    usdc_closes = stats[STABLE]['closes']
    usdc_dates = stats[STABLE]['dates']
    assert isinstance(usdc_closes, np.ndarray) and isinstance(usdc_dates, list)
    # Recent regime only: the full file is dominated by March 2020 and the March 2023 depeg, which would make a
    # calm-day simulation of USDC swing ±0.2% a day; those events belong in stress scenarios, not in the drift model.
    recent = np.array([d >= USDC_AR_FROM for d in usdc_dates])
    x = np.log(usdc_closes[recent])
    x_prev, x_next = x[:-1], x[1:]
    ok = np.isfinite(x_prev) & np.isfinite(x_next)
    x_prev, x_next = x_prev[ok], x_next[ok]
    phi = float(np.dot(x_prev, x_next) / np.dot(x_prev, x_prev))
    resid = x_next - phi * x_prev
    ar_sigma = float(resid.std(ddof=1))
    usdc_returns_dof = stats[STABLE]['rawDof']
    stats[STABLE]['rawDof'] = t_dof(resid)  # USDC tailDof describes the AR(1) innovations

    # Correlation over the common window (dates on which every asset has a return).
    common = sorted(set.intersection(*(set(returns[a]) for a in ASSETS)))
    if len(common) < 30:
        fail(f'common window too short ({len(common)} days)')
    first_c, last_c = dt.date.fromisoformat(common[0]), dt.date.fromisoformat(common[-1])
    if (last_c - first_c).days + 1 != len(common):
        fail('common window is not a contiguous run of days')
    m = np.array([[returns[a][d] for d in common] for a in ASSETS])
    for a, row in zip(ASSETS, m):
        stats[a]['windowDailyVol'] = float(row.std(ddof=1))
    corr = np.corrcoef(m)
    if not np.allclose(corr, corr.T, rtol=0, atol=1e-12):
        fail('correlation matrix not symmetric')
    if not np.allclose(np.diag(corr), 1.0, rtol=0, atol=1e-12):
        fail('correlation matrix diagonal is not 1')
    corr = (corr + corr.T) / 2
    np.fill_diagonal(corr, 1.0)
    np.linalg.cholesky(corr)  # raises LinAlgError unless positive definite
    min_eig = float(np.linalg.eigvalsh(corr).min())
    # The matrix actually published (4 decimals) must itself be a valid correlation matrix.
    pub = np.array([[float(fixed(v)) for v in row] for row in corr])
    if not np.array_equal(pub, pub.T) or not np.all(np.diag(pub) == 1.0):
        fail('rounded correlation matrix lost symmetry / unit diagonal')
    np.linalg.cholesky(pub)
    min_eig_pub = float(np.linalg.eigvalsh(pub).min())
    if min_eig_pub <= 0:
        fail('rounded correlation matrix is not positive definite')

    # Copula: the dependence the simulator draws from. The Pearson matrix above is not the right parameter for a copula
    # with fat-tailed marginals (the transform dilutes it), so use the elliptical identity rho = sin(pi/2 * Kendall tau),
    # which any monotone marginal leaves intact, and a t-copula (joint crashes) whose degrees of freedom are chosen on
    # a grid to reproduce the data's Spearman correlations in a fixed-seed simulation with the fitted t marginals.
    n_assets = len(ASSETS)
    kendall_rho = np.eye(n_assets)
    for i in range(n_assets):
        for j in range(i + 1, n_assets):
            tau = scipy.stats.kendalltau(m[i], m[j]).statistic
            kendall_rho[i, j] = kendall_rho[j, i] = math.sin(math.pi * tau / 2)
    copula = np.array([[float(fixed(v)) for v in row] for row in kendall_rho])
    np.linalg.cholesky(copula)
    copula_min_eig = float(np.linalg.eigvalsh(copula).min())
    data_spearman = scipy.stats.spearmanr(m.T).statistic
    margins = [clamp_dof(float(stats[a]['rawDof'])) for a in ASSETS]
    rng = np.random.default_rng(20240201)
    draws = 200_000
    z = rng.standard_normal((draws, n_assets)) @ np.linalg.cholesky(copula).T
    upper = np.triu_indices(n_assets, 1)
    best: tuple[float, int] | None = None
    for nu_c in COPULA_DOF_GRID:
        chi = rng.chisquare(nu_c, draws) / nu_c
        u = np.clip(scipy.stats.t.cdf(z / np.sqrt(chi)[:, None], nu_c), 1e-12, 1 - 1e-12)
        e = np.column_stack([scipy.stats.t.ppf(u[:, i], margins[i]) for i in range(n_assets)])
        err = float(np.abs(scipy.stats.spearmanr(e).statistic - data_spearman)[upper].mean())
        if best is None or err < best[0]:
            best = (err, nu_c)
    assert best is not None
    copula_err, copula_dof = best

    clamped = []
    for a in ASSETS:
        raw = stats[a]['rawDof']
        assert isinstance(raw, float)
        stats[a]['tailDof'] = clamp_dof(raw)
        if raw != stats[a]['tailDof']:
            clamped.append(f'{a} (fitted nu = {sig(raw)})')

    for note in notes:
        sys.stderr.write(f'calibrate.py: {note}\n')

    out: list[str] = []
    w = out.append
    w('/**')
    w(' * Market statistics measured from real daily closes in ../shared/data/prices/ (see SOURCES.md there);')
    w(' * regenerate with `python3 test/tools/calibrate.py > src/venues/paper/calibration.ts`.')
    w(' *')
    w(' * Per asset (ASSET_STATS), over each file\'s full range: daily log returns r_t = ln(P_t / P_{t-1}),')
    w(' * dated by t (non-finite values dropped); n = number of returns; dailyVol = sample std (ddof=1);')
    w(f' * annualVol = dailyVol * sqrt({DAYS_PER_YEAR}); meanDailyLogReturn = arithmetic mean of r_t;')
    w(' * skew = adjusted Fisher-Pearson skewness and excessKurtosis = bias-corrected Fisher kurtosis')
    w(' * (scipy.stats skew / kurtosis, bias=False); tailDof = Student-t degrees of freedom fitted by')
    w(' * maximum likelihood (scipy.stats.t.fit, loc fixed at 0, scale free) to the returns standardised')
    w(f' * to zero mean / unit variance, clamped to [{DOF_MIN}, {DOF_MAX:g}]; lastClose = last close in the file,')
    w(' * verbatim (not rounded). For USDC, tailDof is fitted to the standardised AR(1) residuals below')
    w(f' * (on its daily returns the fit gives nu = {sig(float(usdc_returns_dof))}).')
    if clamped:
        w(f' * Clamped tailDof: {", ".join(clamped)}.')
    else:
        w(' * No tailDof needed clamping.')
    w(' * USDC_MEAN_REVERSION: AR(1) x_t = phi * x_{t-1} + sigma * e_t on x_t = ln(P_t) (mean 0, no')
    w(f' * intercept), fitted by OLS on USDC closes from {USDC_AR_FROM} (the full file is dominated by March 2020')
    w(' * and the March 2023 depeg); sigma = std (ddof=1) of the residuals, per day.')
    w(' * windowDailyVol: sample std (ddof=1) of daily log returns over CORRELATION_WINDOW, so that with')
    w(' * CORRELATION it forms one covariance matrix; the simulator uses it (dailyVol over the full range')
    w(' * includes the 2020-21 launch years, e.g. SOL 122% annualised against about 85% since 2024).')
    w(' * CORRELATION: Pearson correlation of daily log returns on the days where all ten assets have a')
    w(f' * return ({common[0]} .. {common[-1]}, {len(common)} days); symmetric, unit diagonal, Cholesky OK;')
    w(f' * min eigenvalue {sig(min_eig_pub)} as published (4 decimals), {sig(min_eig)} unrounded.')
    w(' * COPULA_CORRELATION: sin(pi/2 * Kendall tau) over the same window (the Gaussian/t copula parameter that')
    w(f' * preserves rank dependence under any marginal; min eigenvalue {sig(copula_min_eig)}). COPULA_DOF: t-copula degrees')
    w(f' * of freedom from the grid {list(COPULA_DOF_GRID)} that best reproduces the data\'s Spearman correlations with')
    w(f' * the fitted t marginals (fixed-seed simulation, 200k draws; mean |error| {sig(copula_err, 3)}).')
    w(f' * Other figures are rounded to {SIG_DIGITS} significant digits.')
    w(' */')
    w('export const CALIBRATION_ASSETS = [' + ', '.join(f"'{a}'" for a in ASSETS) + '] as const;')
    w('export type CalibratedAsset = (typeof CALIBRATION_ASSETS)[number];')
    w('')
    w('export interface AssetStats {')
    w('  /** Number of daily log returns measured. */')
    w('  readonly n: number;')
    w('  /** First return date (UTC day, ISO). */')
    w('  readonly firstDate: string;')
    w('  /** Last return date (UTC day, ISO) = date of lastClose. */')
    w('  readonly lastDate: string;')
    w('  /** Sample std (ddof=1) of daily log returns, fraction per day. */')
    w('  readonly dailyVol: number;')
    w(f'  /** dailyVol * sqrt({DAYS_PER_YEAR}). */')
    w('  readonly annualVol: number;')
    w('  /** Sample std (ddof=1) of daily log returns over CORRELATION_WINDOW, fraction per day. */')
    w('  readonly windowDailyVol: number;')
    w('  /** Mean daily log return. */')
    w('  readonly meanDailyLogReturn: number;')
    w('  /** Sample skewness of daily log returns (bias-corrected). */')
    w('  readonly skew: number;')
    w('  /** Sample excess kurtosis of daily log returns (bias-corrected). */')
    w('  readonly excessKurtosis: number;')
    w('  /** Student-t degrees of freedom fitted by MLE to standardised daily returns. */')
    w('  readonly tailDof: number;')
    w('  /** Last close in the file, USD. */')
    w('  readonly lastClose: number;')
    w('}')
    w('')
    w('export const ASSET_STATS: Readonly<Record<CalibratedAsset, AssetStats>> = {')
    for a in ASSETS:
        s = stats[a]
        w(f'  {a}: {{')
        w(f'    n: {s["n"]},')
        w(f"    firstDate: '{s['firstDate']}',")
        w(f"    lastDate: '{s['lastDate']}',")
        for key in ('dailyVol', 'annualVol', 'windowDailyVol', 'meanDailyLogReturn', 'skew', 'excessKurtosis', 'tailDof'):
            val = s[key]
            assert isinstance(val, float)
            w(f'    {key}: {sig(val)},')
        last = s['lastClose']
        assert isinstance(last, str)
        w(f'    lastClose: {format(Decimal(last), "f")},')
        w('  },')
    w('};')
    w('')
    w('/** USDC log-price AR(1): x_t = phiPerDay * x_{t-1} + sigmaPerDay * e_t, x = ln(price in USD). */')
    w(f'export const USDC_MEAN_REVERSION = {{ phiPerDay: {sig(phi)}, sigmaPerDay: {sig(ar_sigma)} }} as const;')
    w('')
    w('/** Return dates (inclusive) over which CORRELATION was measured. */')
    w(f"export const CORRELATION_WINDOW = {{ from: '{common[0]}', to: '{common[-1]}', days: {len(common)} }} as const;")
    w('')
    def matrix(doc: str, name: str, rows: np.ndarray) -> None:
        w(f'/** {doc} */')
        w(f'export const {name}: readonly (readonly number[])[] = [')
        for a, row in zip(ASSETS, rows):
            w('  [' + ', '.join(fixed(v) for v in row) + f'], // {a}')
        w('];')
        w('')

    matrix('Pearson correlation of daily log returns over CORRELATION_WINDOW, rows/cols in CALIBRATION_ASSETS order.',
           'CORRELATION', pub)
    matrix('Copula correlation sin(pi/2 * Kendall tau) over CORRELATION_WINDOW, CALIBRATION_ASSETS order.',
           'COPULA_CORRELATION', copula)
    w('/** Degrees of freedom of the t-copula (joint tail dependence: crashes arrive together). */')
    w(f'export const COPULA_DOF = {copula_dof};')
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
