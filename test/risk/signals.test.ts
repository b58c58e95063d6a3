/**
 * Mean-reversion signals (seed 000). Independent values from test/risk/reference/signals.py (numpy): window = the
 * `lookback` closes before the current one, z = (price − mean)/std(ddof=1), expected return = |mean/price − 1|,
 * risk = std(ddof=1) of the window's simple returns, score = expected return / risk; entry |z| > 2, exit |z| < 0.5.
 *   hand: [10, 10.5, 9.8, 10.2, 10, 11.2], lookback 5 → z 4.157609203101502, mean 10.1, sd 0.2645751311064588,
 *     move −0.0982142857142857, risk 0.05474098843218691, score 1.7941635422961622 (enter, short)
 *   real: closes 2025-07-01..D, lookback 20, D = 2025-08-13 (rally: shorts) and D = 2025-10-10 (crash: longs), table REAL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RiskInputError } from '../../src/risk/errors.ts';
import { meanReversionSignal, rankMeanReversion } from '../../src/risk/signals.ts';
import { itShared } from '../helpers/shared-dir.ts';
import { dailyCloses, expectRel } from './reference/helpers.ts';

const ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'WIF', 'JTO', 'PYTH', 'RAY'];
/** day → asset → [z, action, mean, sd, move to mean, risk, score]. */
const REAL: Record<string, Record<string, readonly [number, string, number, number, number, number, number]>> = {
  '2025-08-13': {
    SOL: [2.6474716369441373, 'enter', 176.1995, 9.56025350632833, -0.125604188377748, 0.037153086340197206, 3.380720170260862],
    BTC: [3.0231442995976754, 'enter', 116793.076, 2154.4965620287458, -0.05282250082173323, 0.012483018843176145, 4.231548592959843],
    ETH: [3.053843384988943, 'enter', 3839.3100000000004, 297.98188226450077, -0.19160507864316845, 0.037995914424277626, 5.042781087030286],
    JUP: [1.1117128074951346, 'hold', 0.509335, 0.03954708419619646, -0.0794596060003615, 0.05119770396642513, 1.5520150288862604],
    BONK: [-0.17516472081441245, 'exit', 2.80865e-5, 3.633722572905382e-6, 0.02318761384335155, 0.05393363282628091, 0.429928648011499],
    WIF: [0.8668548074411576, 'hold', 0.9683000000000002, 0.07348404767810421, -0.0617248062015503, 0.05236631932390517, 1.178711946886307],
    JTO: [0.7344290394147469, 'hold', 1.8226499999999999, 0.1271055404813363, -0.048721294363256784, 0.04217967237015848, 1.1550894453539284],
    PYTH: [1.548712538204282, 'hold', 0.12213500000000002, 0.007919481309437273, -0.09125744047619022, 0.050212587084497155, 1.817421602328979],
    RAY: [3.4010548668039595, 'enter', 2.9183, 0.25189243736166433, -0.22694039735099336, 0.05588896340981977, 4.060558355446608],
  },
  '2025-10-10': {
    SOL: [-2.5182157785335053, 'enter', 220.14300000000003, 12.593440272409156, 0.16830122591943963, 0.043095747121079414, 3.9052861862816735],
    BTC: [-0.7639831953668411, 'hold', 116793.14450000001, 5260.1215895467185, 0.035634336662986765, 0.018714090803849986, 1.9041446916382299],
    ETH: [-2.24551459682451, 'enter', 4312.056999999999, 214.800206902282, 0.12594576104780475, 0.03321298764229521, 3.7920635868186285],
    JUP: [-4.94279004528558, 'enter', 0.45972, 0.026466833266522365, 0.3977500760109456, 0.04402744950625856, 9.034138485682776],
    BONK: [-6.386172759742956, 'enter', 2.0248000000000003e-5, 1.1224250062863184e-6, 0.5480122324159025, 0.049209072928440956, 11.13640635361721],
    WIF: [-6.37822627966174, 'enter', 0.7704, 0.04819521705904459, 0.6639308855291575, 0.04250574219647495, 15.619792790824814],
    JTO: [-7.425528132429235, 'enter', 1.6387500000000004, 0.08211537134134093, 0.5925655976676389, 0.03941929308799752, 15.0323750439874],
    PYTH: [-5.880636020955979, 'enter', 0.15481499999999998, 0.007416714764283228, 0.3922212230215827, 0.04519127707275835, 8.679135630314299],
    RAY: [-4.988981740181453, 'enter', 2.8077000000000005, 0.16430206456722518, 0.4123239436619721, 0.04743481191585471, 8.69243340509918],
  },
};
const RANKING: Record<string, string[]> = {
  '2025-08-13': ['ETH', 'BTC', 'RAY', 'SOL'],
  '2025-10-10': ['WIF', 'JTO', 'BONK', 'JUP', 'RAY', 'PYTH', 'SOL', 'ETH'],
};

/** Random walks of positive prices: 25..60 closes. */
const pricesArb = fc.array(fc.integer({ min: -800, max: 800 }), { minLength: 25, maxLength: 60 })
  .map((steps) => steps.reduce<number[]>((ps, s) => [...ps, ps.at(-1)! * (1 + s / 10_000)], [100]));

describe('meanReversionSignal', () => {
  it('matches numpy on a hand-made series', () => {
    const s = meanReversionSignal([10, 10.5, 9.8, 10.2, 10, 11.2], { lookback: 5 });
    expectRel(s.z, 4.157609203101502, 1e-13);
    expectRel(s.mean, 10.1, 1e-15);
    expectRel(s.priceStdev, 0.2645751311064588, 1e-14);
    expectRel(s.moveToMean, -0.0982142857142857, 1e-14);
    expectRel(s.expectedReturn, 0.0982142857142857, 1e-14);
    expectRel(s.risk, 0.05474098843218691, 1e-13);
    expectRel(s.score, 1.7941635422961622, 1e-13);
    expect([s.action, s.direction, s.price]).toEqual(['enter', 'short', 11.2]);
  });

  itShared('matches numpy on real closes of nine Solana-desk assets after a rally and after a crash', () => {
    for (const [day, rows] of Object.entries(REAL)) {
      for (const a of ASSETS) {
        const [z, action, mean, sd, move, risk, score] = rows[a]!;
        const s = meanReversionSignal(dailyCloses(a, '2025-07-01', day));
        expectRel(s.z, z, 1e-11);
        expect(s.action, `${day} ${a}`).toBe(action);
        expect(s.direction).toBe(z > 0 ? 'short' : 'long');
        expectRel(s.mean, mean, 1e-13);
        expectRel(s.priceStdev, sd, 1e-11);
        expectRel(s.moveToMean, move, 1e-12);
        expectRel(s.risk, risk, 1e-12);
        expectRel(s.score, score, 1e-11);
      }
    }
  });

  it('acts by the thresholds: enter beyond entryZ, exit inside exitZ, hold between; short above the mean', () => {
    fc.assert(fc.property(pricesArb, fc.integer({ min: 3, max: 24 }), fc.double({ min: 0.5, max: 3, noNaN: true }), (p, lookback, entryZ) => {
      const s = meanReversionSignal(p, { lookback, entryZ, exitZ: entryZ / 4 });
      const abs = Math.abs(s.z);
      expect(s.action).toBe(abs > entryZ ? 'enter' : abs < entryZ / 4 ? 'exit' : 'hold');
      expect(s.direction).toBe(s.z > 0 ? 'short' : s.z < 0 ? 'long' : 'none');
      expect(Math.sign(s.moveToMean) + Math.sign(s.z)).toBe(0);
      expect(s.expectedReturn).toBeGreaterThanOrEqual(0);
    }));
  });

  it('does not depend on the price unit (z, expected return, risk and score are scale-free)', () => {
    fc.assert(fc.property(pricesArb, fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (p, k) => {
      const a = meanReversionSignal(p);
      const b = meanReversionSignal(p.map((x) => x * k));
      expect(b.z).toBeCloseTo(a.z, 8);
      expect(b.expectedReturn).toBeCloseTo(a.expectedReturn, 10);
      expect(b.risk).toBeCloseTo(a.risk, 10);
    }));
  });

  it('rejects a flat window, too few prices, bad prices and bad parameters', () => {
    expect(() => meanReversionSignal([1, 1, 1, 1, 2], { lookback: 4 })).toThrow(/window is flat/);
    expect(() => meanReversionSignal([1, 2, 3], { lookback: 5 })).toThrow(/need 6 prices/);
    expect(() => meanReversionSignal([1, 2, 0, 3, 4], { lookback: 4 })).toThrow(/price 2 is 0/);
    expect(() => meanReversionSignal([1, 2, 3, 4, 5], { lookback: 2 })).toThrow(/lookback/);
    expect(() => meanReversionSignal([1, 2, 3, 4, 5], { lookback: 4, entryZ: 1, exitZ: 2 })).toThrow(/exitZ/);
    expect(() => meanReversionSignal([1, 2, 3, 4, 5], { lookback: 4, entryZ: 0 })).toThrow(RiskInputError);
  });
});

describe('rankMeanReversion', () => {
  itShared('ranks the real entries by expected return / risk, as numpy does', () => {
    for (const day of Object.keys(REAL)) {
      const scan = rankMeanReversion(ASSETS.map((market) => ({ market, prices: dailyCloses(market, '2025-07-01', day) })));
      expect(scan.opportunities.map((o) => o.market)).toEqual(RANKING[day]);
      expect(scan.skipped).toEqual([]);
    }
  });

  it('returns entries only, best score first, and lists unscorable markets instead of failing', () => {
    fc.assert(fc.property(fc.array(pricesArb, { minLength: 1, maxLength: 8 }), (series) => {
      const markets = [...series.map((prices, i) => ({ market: `M${i}`, prices })), { market: 'FLAT', prices: Array<number>(30).fill(1) }];
      const scan = rankMeanReversion(markets, { lookback: 10, entryZ: 1.5 });
      expect(scan.skipped.map((s) => s.market)).toEqual(['FLAT']);
      expect(scan.skipped[0]!.reason).toMatch(/flat/);
      for (const o of scan.opportunities) expect(o.action).toBe('enter');
      for (let i = 1; i < scan.opportunities.length; i++) {
        expect(scan.opportunities[i - 1]!.score).toBeGreaterThanOrEqual(scan.opportunities[i]!.score);
      }
    }));
  });
});
