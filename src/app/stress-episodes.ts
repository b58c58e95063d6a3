/**
 * Real market episodes replayed by /stress: each asset's move from the daily close on `from` to the close on `to`
 * (fractions), measured from ../shared/data/prices; regenerate with
 * `python3 test/tools/episodes.py > src/app/stress-episodes.ts`. Assets that had no price then are absent; the
 * stress engine fills them from SOL's move scaled by relative volatility and says so.
 */
export interface Episode {
  readonly id: string;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly description: string;
  readonly moves: Readonly<Record<string, number>>;
}

export const EPISODES: readonly Episode[] = [
  { id: 'covid-2020', name: 'March 2020 crash', from: '2020-03-05', to: '2020-03-12', description: 'COVID panic: BTC -47% in a week, -39% on 12 March',
    moves: { BTC: -0.469887, ETH: -0.527892, USDC: 0.036018, USDT: 0.050935 } },
  { id: 'may-2021', name: 'May 2021 crash', from: '2021-05-12', to: '2021-05-19', description: 'China mining ban and leverage flush',
    moves: { SOL: -0.199524, BTC: -0.260747, ETH: -0.362075, USDC: -0.000171, USDT: 0.001623 } },
  { id: 'luna-2022', name: 'LUNA collapse', from: '2022-05-05', to: '2022-05-12', description: 'Terra/UST depeg and contagion',
    moves: { SOL: -0.471841, BTC: -0.205817, ETH: -0.286666, RAY: -0.395236, USDC: 0.000701, USDT: -0.002379, MSOL: -0.474896 } },
  { id: 'ftx-2022', name: 'FTX week', from: '2022-11-05', to: '2022-11-12', description: 'FTX/Alameda collapse: SOL -60% in a week',
    moves: { SOL: -0.604878, BTC: -0.210677, ETH: -0.227249, RAY: -0.567544, USDC: 0.000320, USDT: -0.001503 } },
  { id: 'aug-2024', name: 'August 2024 unwind', from: '2024-08-02', to: '2024-08-05', description: 'Yen carry-trade unwind',
    moves: { SOL: -0.150488, BTC: -0.121622, ETH: -0.190667, JUP: -0.192379, BONK: -0.201249, JTO: -0.175320, PYTH: -0.180971, RAY: -0.201400, WIF: -0.241587, USDC: 0.000133, USDT: 0.001692 } },
  { id: 'oct-2025', name: 'October 2025 cascade', from: '2025-10-09', to: '2025-10-10', description: 'Market-wide liquidation cascade',
    moves: { SOL: -0.147105, BTC: -0.073054, ETH: -0.123251, JUP: -0.237599, BONK: -0.309033, JTO: -0.342072, PYTH: -0.282117, RAY: -0.262338, WIF: -0.344193 } },
];
