/**
 * Market statistics measured from real daily closes in ../shared/data/prices/ (see SOURCES.md there);
 * regenerate with `python3 test/tools/calibrate.py > src/venues/paper/calibration.ts`.
 *
 * Per asset (ASSET_STATS), over each file's full range: daily log returns r_t = ln(P_t / P_{t-1}),
 * dated by t (non-finite values dropped); n = number of returns; dailyVol = sample std (ddof=1);
 * annualVol = dailyVol * sqrt(365); meanDailyLogReturn = arithmetic mean of r_t;
 * skew = adjusted Fisher-Pearson skewness and excessKurtosis = bias-corrected Fisher kurtosis
 * (scipy.stats skew / kurtosis, bias=False); tailDof = Student-t degrees of freedom fitted by
 * maximum likelihood (scipy.stats.t.fit, loc fixed at 0, scale free) to the returns standardised
 * to zero mean / unit variance, clamped to [2.5, 30]; lastClose = last close in the file,
 * verbatim (not rounded). For USDC, tailDof is fitted to the standardised AR(1) residuals below
 * (on its daily returns the fit gives nu = 0.859487).
 * No tailDof needed clamping.
 * USDC_MEAN_REVERSION: AR(1) x_t = phi * x_{t-1} + sigma * e_t on x_t = ln(P_t) (mean 0, no
 * intercept), fitted by OLS on USDC closes from 2024-01-01 (the full file is dominated by March 2020
 * and the March 2023 depeg); sigma = std (ddof=1) of the residuals, per day.
 * windowDailyVol: sample std (ddof=1) of daily log returns over CORRELATION_WINDOW, so that with
 * CORRELATION it forms one covariance matrix; the simulator uses it (dailyVol over the full range
 * includes the 2020-21 launch years, e.g. SOL 122% annualised against about 85% since 2024).
 * CORRELATION: Pearson correlation of daily log returns on the days where all ten assets have a
 * return (2024-02-01 .. 2025-08-13, 560 days); symmetric, unit diagonal, Cholesky OK;
 * min eigenvalue 0.128146 as published (4 decimals), 0.128148 unrounded.
 * COPULA_CORRELATION: sin(pi/2 * Kendall tau) over the same window (the Gaussian/t copula parameter that
 * preserves rank dependence under any marginal; min eigenvalue 0.119726). COPULA_DOF: t-copula degrees
 * of freedom from the grid [3, 4, 5, 6, 8, 12, 30] that best reproduces the data's Spearman correlations with
 * the fitted t marginals (fixed-seed simulation, 200k draws; mean |error| 0.00344).
 * Other figures are rounded to 6 significant digits.
 */
export const CALIBRATION_ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'JTO', 'PYTH', 'RAY', 'WIF', 'USDC'] as const;
export type CalibratedAsset = (typeof CALIBRATION_ASSETS)[number];

export interface AssetStats {
  /** Number of daily log returns measured. */
  readonly n: number;
  /** First return date (UTC day, ISO). */
  readonly firstDate: string;
  /** Last return date (UTC day, ISO) = date of lastClose. */
  readonly lastDate: string;
  /** Sample std (ddof=1) of daily log returns, fraction per day. */
  readonly dailyVol: number;
  /** dailyVol * sqrt(365). */
  readonly annualVol: number;
  /** Sample std (ddof=1) of daily log returns over CORRELATION_WINDOW, fraction per day. */
  readonly windowDailyVol: number;
  /** Mean daily log return. */
  readonly meanDailyLogReturn: number;
  /** Sample skewness of daily log returns (bias-corrected). */
  readonly skew: number;
  /** Sample excess kurtosis of daily log returns (bias-corrected). */
  readonly excessKurtosis: number;
  /** Student-t degrees of freedom fitted by MLE to standardised daily returns. */
  readonly tailDof: number;
  /** Last close in the file, USD. */
  readonly lastClose: number;
}

export const ASSET_STATS: Readonly<Record<CalibratedAsset, AssetStats>> = {
  SOL: {
    n: 2091,
    firstDate: '2020-04-11',
    lastDate: '2025-12-31',
    dailyVol: 0.0640196,
    annualVol: 1.22309,
    windowDailyVol: 0.0444005,
    meanDailyLogReturn: 0.00233175,
    skew: -0.241794,
    excessKurtosis: 7.24246,
    tailDof: 3.39466,
    lastClose: 124.65,
  },
  BTC: {
    n: 2191,
    firstDate: '2020-01-02',
    lastDate: '2025-12-31',
    dailyVol: 0.0329121,
    annualVol: 0.628784,
    windowDailyVol: 0.0256649,
    meanDailyLogReturn: 0.00114064,
    skew: -1.60684,
    excessKurtosis: 27.4193,
    tailDof: 2.62935,
    lastClose: 87648.22,
  },
  ETH: {
    n: 2191,
    firstDate: '2020-01-02',
    lastDate: '2025-12-31',
    dailyVol: 0.0440176,
    annualVol: 0.840955,
    windowDailyVol: 0.0367636,
    meanDailyLogReturn: 0.00142557,
    skew: -1.19137,
    excessKurtosis: 18.5851,
    tailDof: 3.0018,
    lastClose: 2971.64,
  },
  JUP: {
    n: 700,
    firstDate: '2024-02-01',
    lastDate: '2025-12-31',
    dailyVol: 0.0583293,
    annualVol: 1.11438,
    windowDailyVol: 0.0603773,
    meanDailyLogReturn: -0.00179863,
    skew: 0.145291,
    excessKurtosis: 2.6761,
    tailDof: 6.01736,
    lastClose: 0.1883,
  },
  BONK: {
    n: 1090,
    firstDate: '2023-01-07',
    lastDate: '2025-12-31',
    dailyVol: 0.0857841,
    annualVol: 1.6389,
    windowDailyVol: 0.0746138,
    meanDailyLogReturn: 0.00122514,
    skew: 0.952493,
    excessKurtosis: 7.30217,
    tailDof: 3.21163,
    lastClose: 0.00000747,
  },
  JTO: {
    n: 755,
    firstDate: '2023-12-08',
    lastDate: '2025-12-31',
    dailyVol: 0.0639579,
    annualVol: 1.22191,
    windowDailyVol: 0.0587061,
    meanDailyLogReturn: -0.00239641,
    skew: 0.262743,
    excessKurtosis: 5.21722,
    tailDof: 4.32657,
    lastClose: 0.392,
  },
  PYTH: {
    n: 722,
    firstDate: '2023-11-22',
    lastDate: '2025-11-12',
    dailyVol: 0.0654844,
    annualVol: 1.25108,
    windowDailyVol: 0.0560887,
    meanDailyLogReturn: -0.00149854,
    skew: 1.7736,
    excessKurtosis: 19.0987,
    tailDof: 4.67121,
    lastClose: 0.09941,
  },
  RAY: {
    n: 1604,
    firstDate: '2021-08-11',
    lastDate: '2025-12-31',
    dailyVol: 0.0675162,
    annualVol: 1.2899,
    windowDailyVol: 0.0679837,
    meanDailyLogReturn: -0.0009703,
    skew: 0.639421,
    excessKurtosis: 8.26217,
    tailDof: 3.81774,
    lastClose: 0.886,
  },
  WIF: {
    n: 720,
    firstDate: '2024-01-12',
    lastDate: '2025-12-31',
    dailyVol: 0.086933,
    annualVol: 1.66085,
    windowDailyVol: 0.0870845,
    meanDailyLogReturn: -0.0000450435,
    skew: 0.535675,
    excessKurtosis: 2.59335,
    tailDof: 4.44339,
    lastClose: 0.27,
  },
  USDC: {
    n: 2051,
    firstDate: '2020-01-02',
    lastDate: '2025-08-13',
    dailyVol: 0.00252816,
    annualVol: 0.0483005,
    windowDailyVol: 0.000140573,
    meanDailyLogReturn: -0.00000204958,
    skew: 1.29792,
    excessKurtosis: 107.3,
    tailDof: 4.69267,
    lastClose: 0.99986702,
  },
};

/** USDC log-price AR(1): x_t = phiPerDay * x_{t-1} + sigmaPerDay * e_t, x = ln(price in USD). */
export const USDC_MEAN_REVERSION = { phiPerDay: 0.395093, sigmaPerDay: 0.000116784 } as const;

/** Return dates (inclusive) over which CORRELATION was measured. */
export const CORRELATION_WINDOW = { from: '2024-02-01', to: '2025-08-13', days: 560 } as const;

/** Pearson correlation of daily log returns over CORRELATION_WINDOW, rows/cols in CALIBRATION_ASSETS order. */
export const CORRELATION: readonly (readonly number[])[] = [
  [1, 0.7514, 0.7275, 0.8184, 0.6725, 0.7079, 0.7202, 0.7818, 0.6703, 0.0406], // SOL
  [0.7514, 1, 0.789, 0.5939, 0.6629, 0.5623, 0.6501, 0.5846, 0.6177, -0.0478], // BTC
  [0.7275, 0.789, 1, 0.6062, 0.6229, 0.571, 0.7032, 0.5945, 0.5882, -0.0178], // ETH
  [0.8184, 0.5939, 0.6062, 1, 0.5682, 0.6941, 0.7102, 0.7225, 0.6124, 0.0123], // JUP
  [0.6725, 0.6629, 0.6229, 0.5682, 1, 0.5191, 0.5775, 0.5116, 0.683, 0.0738], // BONK
  [0.7079, 0.5623, 0.571, 0.6941, 0.5191, 1, 0.6345, 0.6359, 0.5202, -0.0321], // JTO
  [0.7202, 0.6501, 0.7032, 0.7102, 0.5775, 0.6345, 1, 0.6282, 0.5967, 0.0233], // PYTH
  [0.7818, 0.5846, 0.5945, 0.7225, 0.5116, 0.6359, 0.6282, 1, 0.5201, 0.022], // RAY
  [0.6703, 0.6177, 0.5882, 0.6124, 0.683, 0.5202, 0.5967, 0.5201, 1, 0.0787], // WIF
  [0.0406, -0.0478, -0.0178, 0.0123, 0.0738, -0.0321, 0.0233, 0.022, 0.0787, 1], // USDC
];

/** Copula correlation sin(pi/2 * Kendall tau) over CORRELATION_WINDOW, CALIBRATION_ASSETS order. */
export const COPULA_CORRELATION: readonly (readonly number[])[] = [
  [1, 0.7589, 0.7303, 0.8568, 0.75, 0.7563, 0.7785, 0.7941, 0.7462, -0.0021], // SOL
  [0.7589, 1, 0.7782, 0.665, 0.6946, 0.5961, 0.7084, 0.6295, 0.652, -0.0529], // BTC
  [0.7303, 0.7782, 1, 0.659, 0.6722, 0.5748, 0.7414, 0.6064, 0.638, -0.0267], // ETH
  [0.8568, 0.665, 0.659, 1, 0.7062, 0.7553, 0.7508, 0.7405, 0.7354, -0.0144], // JUP
  [0.75, 0.6946, 0.6722, 0.7062, 1, 0.6195, 0.6741, 0.6182, 0.7697, 0.0629], // BONK
  [0.7563, 0.5961, 0.5748, 0.7553, 0.6195, 1, 0.6881, 0.6588, 0.611, -0.0671], // JTO
  [0.7785, 0.7084, 0.7414, 0.7508, 0.6741, 0.6881, 1, 0.6755, 0.6807, -0.0055], // PYTH
  [0.7941, 0.6295, 0.6064, 0.7405, 0.6182, 0.6588, 0.6755, 1, 0.6055, -0.006], // RAY
  [0.7462, 0.652, 0.638, 0.7354, 0.7697, 0.611, 0.6807, 0.6055, 1, 0.0453], // WIF
  [-0.0021, -0.0529, -0.0267, -0.0144, 0.0629, -0.0671, -0.0055, -0.006, 0.0453, 1], // USDC
];

/** Degrees of freedom of the t-copula (joint tail dependence: crashes arrive together). */
export const COPULA_DOF = 4;
