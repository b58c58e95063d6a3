/**
 * The LP rules (lp-rules.ts): near an edge, inventory skew and pool/oracle divergence, each entering, held inside its
 * hysteresis band and clearing; the Re-center button; and the LP thresholds as a user sets them. Every boundary is
 * worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.ts';
import {
  AlertEngine, DEFAULT_THRESHOLDS, evaluateRules, type AlertEvent, type AlertThresholds, type LevelOrOk, type Observation,
} from '../../../src/app/alerts/index.ts';
import { lpBinPrice as binPrice } from '../../../src/app/lp-view.ts';
import { RECENTER_COMMAND } from '../../../src/app/alert-service.ts';
import type { AppServices } from '../../../src/app/services.ts';
import { arg, buttonsOf, defineCommand, Dispatcher, encodeActionRef, plainText, reply } from '../../../src/core/index.ts';
import type { Actor, LpPosition, Portfolio } from '../../../src/domain/index.ts';
import { settingsProblem } from '../../../src/ports/settings.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { STORE_SCHEMA } from '../../../src/storage/document-schema.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { testApp } from '../../helpers/app.ts';
import { book, input, lp, T0 } from './fixtures.ts';

const NEAR = 'main:lp_near_edge:SOL/USDC';
const SKEW = 'main:lp_skew:SOL/USDC';
const DIV = 'main:lp_oracle_divergence:SOL/USDC';
const OUT = 'main:lp_out_of_range:SOL/USDC';
const ID = 'paper:lp:SOL/USDC';

function run(p: LpPosition, previous: Record<string, LevelOrOk> = {}, th: AlertThresholds = DEFAULT_THRESHOLDS, portfolio?: Portfolio): Observation[] {
  return evaluateRules(input(portfolio ?? book({ positions: [p] })), th, new Map(Object.entries(previous)));
}

function find(obs: readonly Observation[], key: string): Observation | undefined {
  return obs.find((o) => o.key === key);
}

function get(obs: readonly Observation[], key: string): Observation {
  const o = find(obs, key);
  if (!o) throw new Error(`no observation ${key} in ${obs.map((x) => x.key).join(', ')}`);
  return o;
}

/** A 21-bin range, bins 0–20 (1% bins, bin 0 at 1), with the active bin at `active`. */
const range21 = (active: number, inRange?: boolean): LpPosition =>
  lp('SOL/USDC', { value: 1_000, mark: 1, lower: 0, upper: 20, active, ...(inRange === undefined ? {} : { inRange }) });

describe('binPrice', () => {
  it('is priceScale × (1 + binStep/10000)^binId, quote per base', () => {
    // 1% bins: bin 0 at 1, bin 1 at 1.01, bin −1 at 1/1.01; Saros SOL/USDC (9/6 decimals) scales by 10^3.
    expect(binPrice({ binStep: 100 }, 0)).toBe(1);
    expect(binPrice({ binStep: 100 }, 1)).toBeCloseTo(1.01, 12);
    expect(binPrice({ binStep: 100 }, -1)).toBeCloseTo(0.990099, 6);
    expect(binPrice({ binStep: 10, priceScale: 1000 }, -1898)).toBeCloseTo(150.0103, 4);
  });
});

describe('lp_near_edge', () => {
  it('a 21-bin range (0–20), N = 3: 2 bins from the upper edge warns and names it; 3 bins does not', () => {
    // Active 18: bins 19 and 20 are left before the upper edge → 2 < 3 → warning. Edge price = 1.01^21 ≈ 1.2324.
    const o = get(run(range21(18)), NEAR);
    expect(o).toMatchObject({ level: 'warning', value: 2, threshold: 3, action: 'recenter', positionId: ID, title: 'SOL/USDC LP near its upper edge' });
    expect(o.detail).toBe('SOL/USDC LP: active bin 18 has 2 bins left before the upper edge of its range 0–20 (upper edge at $1.23; alert under 3 bins); '
      + 'past it the position earns no fees and holds only USDC.');
    // Active 17: 3 bins left, not fewer than 3 → ok, and no button on an ok observation.
    const ok = get(run(range21(17)), NEAR);
    expect(ok).toMatchObject({ level: 'ok', value: 3 });
    expect(ok.action).toBeUndefined();
    expect(ok.detail).toBe('SOL/USDC LP: active bin 17 is 3 bins from the nearer (upper) edge of its range 0–20 (alert under 3 bins).');
  });

  it('names the lower edge and its price; on the edge bin itself it says so', () => {
    // Active 2: 2 bins (1 and 0) left before the lower edge, whose price is bin 0's: 1.01^0 = $1.00.
    const o = get(run(range21(2)), NEAR);
    expect(o).toMatchObject({ level: 'warning', value: 2, title: 'SOL/USDC LP near its lower edge' });
    expect(o.detail).toContain('has 2 bins left before the lower edge of its range 0–20 (lower edge at $1.00');
    expect(o.detail).toContain('holds only SOL');
    expect(get(run(range21(0)), NEAR).detail).toContain('active bin 0 is on the lower edge bin of its range 0–20');
  });

  it('enters below N, is held at N, clears at N + 1 bins inside', () => {
    const at = (active: number, previous: LevelOrOk): LevelOrOk => get(run(range21(active), { [NEAR]: previous }), NEAR).level;
    expect(at(18, 'ok')).toBe('warning'); // 2 bins: enters
    expect(at(17, 'ok')).toBe('ok'); // 3 bins: does not enter …
    expect(at(17, 'warning')).toBe('warning'); // … but holds an open alert (the band)
    expect(at(16, 'warning')).toBe('ok'); // 4 = N + 1 bins: clears
    expect(at(4, 'warning')).toBe('ok'); // same on the lower side
    expect(at(3, 'warning')).toBe('warning');
  });

  it('a narrow range caps N so a centred price never alerts', () => {
    // Range 0–7 (upper − lower = 7 < 2·3 + 2): centre bins 3 and 4 are 3 bins from an edge. Uncapped, 3 would hold an
    // open alert; capped (clears at floor(7/2) = 3) it clears, and does not enter either.
    const r8 = (active: number) => lp('SOL/USDC', { value: 1_000, mark: 1, lower: 0, upper: 7, active });
    expect(get(run(r8(3), { [NEAR]: 'warning' }), NEAR).level).toBe('ok');
    expect(get(run(r8(4), {}), NEAR).level).toBe('ok');
    expect(get(run(r8(2), {}), NEAR)).toMatchObject({ level: 'warning', value: 2 });
    // Range 0–4 (5 bins): centre bin 2 is 2 bins from either edge; uncapped N = 3 would raise it. Capped to 2 it is
    // ok; bin 1 still warns.
    const r5 = (active: number) => lp('SOL/USDC', { value: 1_000, mark: 1, lower: 0, upper: 4, active });
    expect(get(run(r5(2), {}), NEAR)).toMatchObject({ level: 'ok', threshold: 2 });
    expect(get(run(r5(2), { [NEAR]: 'warning' }), NEAR).level).toBe('ok');
    expect(get(run(r5(1), {}), NEAR).level).toBe('warning');
    // Range 0–1 (2 bins): every bin is an edge bin, the cap is 0: never a near-edge alert (out of range still is).
    const r2 = lp('SOL/USDC', { value: 1_000, mark: 1, lower: 0, upper: 1, active: 0 });
    expect(get(run(r2, { [NEAR]: 'warning' }), NEAR)).toMatchObject({ level: 'ok', threshold: 0 });
    expect(get(run(r2), NEAR).detail).toBe('SOL/USDC LP: active bin 0 is 0 bins from the nearer (lower) edge of its range 0–1 (too narrow for a near-edge alert).');
    // Range 0–8 (upper − lower = 8 = 2N + 2): no cap; centre bin 4 is N + 1 = 4 bins inside and clears.
    const r9 = (active: number) => lp('SOL/USDC', { value: 1_000, mark: 1, lower: 0, upper: 8, active });
    expect(get(run(r9(4), { [NEAR]: 'warning' }), NEAR).level).toBe('ok');
    expect(get(run(r9(3), { [NEAR]: 'warning' }), NEAR).level).toBe('warning');
  });

  it('out of range belongs to lp_out_of_range: near-edge neither raises for it nor recovers through it', () => {
    // Active 21 is past the upper edge 20.
    const fresh = run(range21(21));
    expect(get(fresh, OUT).level).toBe('warning');
    expect(find(fresh, NEAR)).toBeUndefined();
    const held = get(run(range21(21), { [NEAR]: 'warning' }), NEAR);
    expect(held).toMatchObject({ level: 'warning', title: 'SOL/USDC LP past its upper edge' });
    expect(held.detail).toContain('see the out-of-range alert');
  });

  it('follows the thresholds: N = 5 warns at 3 bins', () => {
    const th = { ...DEFAULT_THRESHOLDS, lpNearEdge: { bins: 5 } };
    expect(get(run(range21(17), {}, th), NEAR)).toMatchObject({ level: 'warning', threshold: 5 });
    expect(get(run(range21(17)), NEAR).level).toBe('ok');
  });
});

/** Range −10…10 around bin 0, 1% bins, bin 0 at 100 USDC per SOL (priceScale 100): the active price is 100. */
const at100 = (base: number, quote: number, active = 0): LpPosition =>
  lp('SOL/USDC', { value: 1_000, mark: 100.5, lower: -10, upper: 10, active, base, quote, priceScale: 100 });

describe('lp_skew', () => {
  it('92/8 by value is a warning naming the dominant token', () => {
    // 9.2 SOL × 100 = 920 USDC of base, 80 USDC of quote: skew |920 − 80| / 1000 = 0.84 > 0.8.
    const o = get(run(at100(9.2, 80)), SKEW);
    expect(o.level).toBe('warning');
    expect(o.value).toBeCloseTo(0.84, 12);
    expect(o.threshold).toBe(0.8);
    expect(o.title).toBe('SOL/USDC LP skewed: 92% SOL');
    expect(o.detail).toBe('SOL/USDC LP: 92% SOL, 8% USDC by value at the pool price $100.00 (9.2 SOL, 80 USDC); '
      + 'skew 84% is above 80%: the position now moves almost like SOL alone.');
    // No action button for skew.
    expect(o.action).toBeUndefined();
  });

  it('exactly 90/10 does not enter; the band is 0.72–0.8; below 0.72 it clears', () => {
    const at = (base: number, quote: number, previous: LevelOrOk): LevelOrOk => get(run(at100(base, quote), { [SKEW]: previous }), SKEW).level;
    // 900 vs 100: skew 0.8, not above 0.8.
    expect(at(9, 100, 'ok')).toBe('ok');
    // 880 vs 120: skew 0.76 — above 0.8 × (1 − 0.1) = 0.72, so an open alert holds, a fresh one does not start.
    expect(at(8.8, 120, 'ok')).toBe('ok');
    expect(at(8.8, 120, 'warning')).toBe('warning');
    // 850 vs 150: skew 0.7 < 0.72: clears.
    expect(at(8.5, 150, 'warning')).toBe('ok');
  });

  it('a quote-heavy position names the quote token; the bins are summed when the venue lists them', () => {
    // 0.5 SOL × 100 = 50 vs 950 USDC: skew 0.9, 95% USDC.
    expect(get(run(at100(0.5, 950)), SKEW).title).toBe('SOL/USDC LP skewed: 95% USDC');
    // Totals left at zero, bins holding 9.2 SOL and 80 USDC: the same 0.84 as above.
    const withBins: LpPosition = {
      ...at100(0, 0),
      bins: [
        { binId: -1, price: 99, base: { raw: 0n, decimals: 9 }, quote: { raw: 80_000_000n, decimals: 6 } },
        { binId: 0, price: 100, base: { raw: 4_600_000_000n, decimals: 9 }, quote: { raw: 0n, decimals: 6 } },
        { binId: 1, price: 101, base: { raw: 4_600_000_000n, decimals: 9 }, quote: { raw: 0n, decimals: 6 } },
      ],
    };
    expect(get(run(withBins), SKEW).value).toBeCloseTo(0.84, 12);
  });

  it('an empty position has no skew; out of range it neither raises nor recovers', () => {
    expect(find(run(at100(0, 0)), SKEW)).toBeUndefined();
    // Active 11 is above the range: all quote, skew 1 — the out-of-range alert says so already.
    const out = at100(0, 1_000, 11);
    expect(find(run(out), SKEW)).toBeUndefined();
    expect(get(run(out, { [SKEW]: 'warning' }), SKEW).level).toBe('warning');
  });

  it('follows the thresholds: at 0.9 a 0.84 skew is ok', () => {
    const th = { ...DEFAULT_THRESHOLDS, lpSkew: { ...DEFAULT_THRESHOLDS.lpSkew, warning: 0.9 } };
    expect(get(run(at100(9.2, 80), {}, th), SKEW).level).toBe('ok');
  });
});

describe('lp_oracle_divergence', () => {
  // Active bin 0 of at100 covers [100, 101) USDC per SOL; USDC has no price in these books, so it counts as $1.
  const withMark = (mark: number): LpPosition => ({ ...at100(5, 500), markPrice: mark });

  it('no alert while the oracle lies inside the active bin', () => {
    const o = get(run(withMark(100.5)), DIV);
    expect(o).toMatchObject({ level: 'ok', value: 0 });
    expect(o.detail).toBe('SOL/USDC: pool price $100.00 (active bin 0: $100.00–$101.00) vs oracle $100.50, inside the active bin.');
    // 100 is the bin's lower edge (inside); 101 is the next bin's (outside, but 0 away).
    expect(get(run(withMark(100)), DIV).value).toBe(0);
  });

  it('above the bin: (oracle − upper edge) / oracle, warning above 1%, with the prices and the arbitrage', () => {
    // Oracle 103: (103 − 101) / 103 = 0.019417 > 0.01.
    const o = get(run(withMark(103)), DIV);
    expect(o.level).toBe('warning');
    expect(o.value).toBeCloseTo(0.019417, 6);
    expect(o.title).toBe('SOL/USDC pool 1.94% off the oracle');
    expect(o.detail).toBe('SOL/USDC: pool price $100.00 (active bin 0: $100.00–$101.00) vs oracle $103.00, 1.94% apart (alert above 1%); '
      + 'the gap invites arbitrage against the position: arbitrageurs can buy SOL from the pool below the oracle price.');
    // Oracle 102.01: 1.01 / 102.01 = 0.0099 — just under 1%: ok.
    expect(get(run(withMark(102.01)), DIV).level).toBe('ok');
  });

  it('below the bin: (lower edge − oracle) / oracle', () => {
    // Oracle 98: (100 − 98) / 98 = 0.020408.
    const o = get(run(withMark(98)), DIV);
    expect(o.level).toBe('warning');
    expect(o.value).toBeCloseTo(0.020408, 6);
    expect(o.detail).toContain('sell SOL to the pool above the oracle price');
  });

  it('held down to 0.9%, cleared below', () => {
    const at = (mark: number, previous: LevelOrOk): LevelOrOk => get(run(withMark(mark), { [DIV]: previous }), DIV).level;
    // 101.95: 0.95 / 101.95 = 0.00932 ≥ 0.01 × 0.9: held, but not entered fresh.
    expect(at(101.95, 'warning')).toBe('warning');
    expect(at(101.95, 'ok')).toBe('ok');
    // 101.9: 0.9 / 101.9 = 0.00883 < 0.009: clears.
    expect(at(101.9, 'warning')).toBe('ok');
  });

  it('divides by the quote asset\'s USD price', () => {
    // SOL $100.50 and USDC $0.98: oracle 100.5 / 0.98 = 102.551 USDC per SOL, (102.551 − 101) / 102.551 = 0.015124.
    const p = withMark(100.5);
    const portfolio: Portfolio = { ...book({ positions: [p] }), prices: { SOL: 100.5, USDC: 0.98 } };
    const o = get(run(p, {}, DEFAULT_THRESHOLDS, portfolio), DIV);
    expect(o.level).toBe('warning');
    expect(o.value).toBeCloseTo(0.015124, 6);
  });

  it('a Saros position with priceScale 1000 (SOL 9 / USDC 6 decimals)', () => {
    // binStep 10, active bin −1898: 1000 × 1.001^−1898 = 150.0103, next bin 1000 × 1.001^−1897 = 150.1603.
    const saros = (mark: number): LpPosition =>
      lp('SOL/USDC', { value: 1_000, mark, lower: -1_910, upper: -1_890, active: -1_898, binStep: 10, priceScale: 1000, base: 3, quote: 500 });
    // Oracle 150.10 is inside [150.0103, 150.1603).
    expect(get(run(saros(150.1)), DIV)).toMatchObject({ level: 'ok', value: 0 });
    // Oracle 153: (153 − 150.1603) / 153 = 0.018560. Without the scale the bin would price at 0.15 and the gap be ~100%.
    const o = get(run(saros(153)), DIV);
    expect(o.level).toBe('warning');
    expect(o.value).toBeCloseTo(0.01856, 5);
    expect(o.detail).toContain('pool price $150.01 (active bin -1898: $150.01–$150.16) vs oracle $153.00');
    // Skew at the same bin price: 3 × 150.0103 = 450.03 vs 500 → |450.03 − 500| / 950.03 = 0.0526, 52.63% USDC.
    const s = get(run(saros(150.1)), SKEW);
    expect(s.value).toBeCloseTo(0.0526, 4);
    expect(s.title).toBe('SOL/USDC LP 52.63% USDC');
  });

  it('follows the thresholds: at 2% a 1.94% gap is ok', () => {
    const th = { ...DEFAULT_THRESHOLDS, lpOracleDivergence: { ...DEFAULT_THRESHOLDS.lpOracleDivergence, warning: 0.02 } };
    expect(get(run(withMark(103), {}, th), DIV).level).toBe('ok');
  });

  it('a vanished position closes its LP alerts', () => {
    const obs = evaluateRules(input(book()), DEFAULT_THRESHOLDS, new Map<string, LevelOrOk>([[NEAR, 'warning'], [SKEW, 'warning'], [DIV, 'warning']]));
    for (const key of [NEAR, SKEW, DIV]) expect(get(obs, key)).toMatchObject({ level: 'ok', detail: expect.stringContaining('is no longer in the portfolio') as unknown });
  });
});

const TRADER: Actor = { platform: 'console', userId: 't1', displayName: 'Tess', role: 'trader' };
const VIEWER: Actor = { platform: 'console', userId: 'v1', displayName: 'Vic', role: 'viewer' };

/** A test double of /recenter (the real one is written elsewhere): records the tokens it was run with. */
function fakeRecenter(calls: string[][]) {
  return defineCommand<AppServices>()({
    name: RECENTER_COMMAND, description: 'test double', role: 'trader',
    args: { position: arg.string({ maxLength: 200, description: 'Position id' }) },
    run({ args, argv }) {
      calls.push([...argv]);
      return Promise.resolve(reply.of(reply.text(`recenter ${args.position}`)));
    },
  });
}

describe('the Re-center button', () => {
  async function alertMessage(o: Observation) {
    const t = testApp();
    const calls: string[][] = [];
    // The app's dispatcher with the double in place of any real /recenter.
    const dispatcher = new Dispatcher<AppServices>({
      commands: [...COMMANDS.filter((c) => c.name !== RECENTER_COMMAND), fakeRecenter(calls)], services: t.app.services,
      actions: t.repos.actions, clock: t.clock, logger: captureLogger().logger,
    });
    t.app.services.alerts.attach(dispatcher);
    const event: AlertEvent = { id: `${o.key}@${T0}:raised`, kind: 'raised', key: o.key, level: 'warning', observation: o, at: T0 };
    const message = await t.app.services.alerts.message(event);
    const press = (label: string, actor: Actor) => {
      const b = buttonsOf(message).find((x) => x.label === label);
      if (!b) throw new Error(`no ${label} in ${buttonsOf(message).map((x) => x.label).join(', ')}`);
      return dispatcher.handlePress({ actor, chat: { platform: 'console', chatId: 'c' }, data: encodeActionRef(b.action) });
    };
    return { message, press, calls };
  }

  it('on an out-of-range alert: runs /recenter with the position id, for a trader', async () => {
    const o = get(run(range21(25)), OUT);
    expect(o).toMatchObject({ level: 'warning', action: 'recenter', positionId: ID });
    const { message, press, calls } = await alertMessage(o);
    expect(buttonsOf(message).map((b) => b.label)).toEqual(['Re-center', 'Acknowledge', 'Snooze 1h', 'Mute rule']);
    expect(plainText(message)).toContain('Re-center moves the liquidity to a new range around the current price.');
    expect((await press('Re-center', VIEWER)).toast).toContain('needs the trader role');
    expect(calls).toEqual([]);
    const res = await press('Re-center', TRADER);
    expect(calls).toEqual([[ID]]);
    expect(res.edit).toBe(false);
    expect(plainText(res.reply!)).toBe(`recenter ${ID}`);
  });

  it('on a near-edge alert, with two LPs in one pool: each button carries its own position id', async () => {
    const a = lp('SOL/USDC', { id: 'a', value: 1_000, mark: 1, lower: 0, upper: 20, active: 19 });
    const b = lp('SOL/USDC', { id: 'b', value: 1_000, mark: 1, lower: 0, upper: 20, active: 10 });
    const o = get(evaluateRules(input(book({ positions: [a, b] }))), 'main:lp_near_edge:paper:lp:a');
    expect(o).toMatchObject({ level: 'warning', action: 'recenter', positionId: 'paper:lp:a' });
    const { message, press, calls } = await alertMessage(o);
    expect(buttonsOf(message)[0]?.label).toBe('Re-center');
    await press('Re-center', TRADER);
    expect(calls).toEqual([['paper:lp:a']]);
  });

  it('the position id survives storage: engine round trip and the state file schema', async () => {
    const o = get(run(range21(19)), NEAR);
    const engine = new AlertEngine(memoryRepositories().alerts);
    await engine.evaluate([o], T0);
    const [pending] = await engine.undelivered();
    expect(pending?.observation).toMatchObject({ action: 'recenter', positionId: ID });
    const stored = { rule: o.rule, market: o.market, level: o.level, value: o.value, threshold: o.threshold, title: o.title, detail: o.detail, action: 'recenter', positionId: ID };
    const state = { key: o.key, rule: o.rule, level: 'warning', since: T0, lastSentAt: null, lastSentLevel: null, lastAlertAt: null, lastAlertLevel: null, delivered: false, observation: stored };
    expect(STORE_SCHEMA.shape.alerts.safeParse({ keys: { [o.key]: state }, mutes: {}, snoozeUntil: null }).success).toBe(true);
    const bad = { ...state, observation: { ...stored, action: 'teleport' } };
    expect(STORE_SCHEMA.shape.alerts.safeParse({ keys: { [o.key]: bad }, mutes: {}, snoozeUntil: null }).success).toBe(false);
  });
});

describe('LP thresholds set by a user', () => {
  it('/thresholds set changes the outcome', async () => {
    const { send, app, repos } = testApp();
    // Default N = 3: 3 bins from the edge is ok.
    expect(get(run(range21(17), {}, await app.services.alerts.thresholds()), NEAR).level).toBe('ok');
    for (const [key, value] of [['lp_near_edge_bins', '5'], ['lp_skew', '0.9'], ['lp_oracle_divergence', '0.02']] as const) {
      expect(plainText(await send(`/thresholds set ${key} ${value}`, 'admin'))).not.toContain('expected');
    }
    expect(await repos.settings.get('alert-thresholds')).toEqual({ lp_near_edge_bins: 5, lp_skew: 0.9, lp_oracle_divergence: 0.02 });
    const th = await app.services.alerts.thresholds();
    expect(th).toMatchObject({ lpNearEdge: { bins: 5 }, lpSkew: { warning: 0.9 }, lpOracleDivergence: { warning: 0.02 } });
    // N = 5: 3 bins now warns; skew 0.84 under 0.9 and a 1.94% gap under 2% are ok.
    expect(get(run(range21(17), {}, th), NEAR).level).toBe('warning');
    expect(get(run(at100(9.2, 80), {}, th), SKEW).level).toBe('ok');
    expect(get(run({ ...at100(5, 500), markPrice: 103 }, {}, th), DIV).level).toBe('ok');
  });

  it('invalid values are refused with the range, and nothing is stored', async () => {
    const { send, repos } = testApp();
    const refused: [string, string][] = [
      ['lp_near_edge_bins 2.5', 'lp_near_edge_bins: expected a whole number from 1 to 100, got 2.5.'],
      ['lp_near_edge_bins 0', 'lp_near_edge_bins: expected a whole number from 1 to 100, got 0.'],
      ['lp_near_edge_bins 101', 'lp_near_edge_bins: expected a whole number from 1 to 100, got 101.'],
      ['lp_skew 1', 'lp_skew: expected a value between 0 and 1, both excluded, got 1.'],
      ['lp_skew 0', 'lp_skew: expected a value between 0 and 1, both excluded, got 0.'],
      ['lp_oracle_divergence 1.5', 'lp_oracle_divergence: expected a value between 0 and 1, both excluded, got 1.5.'],
      ['lp_oracle_divergence -0.01', 'lp_oracle_divergence: expected a value between 0 and 1, both excluded, got -0.01.'],
    ];
    for (const [args, message] of refused) expect(plainText(await send(`/thresholds set ${args}`, 'admin'))).toContain(message);
    expect(await repos.settings.get('alert-thresholds')).toBeUndefined();
    expect(await repos.audit.list()).toEqual([]);
    // The edges that are allowed.
    expect(plainText(await send('/thresholds set lp_near_edge_bins 100', 'admin'))).not.toContain('expected');
    expect(plainText(await send('/thresholds set lp_skew 0.999', 'admin'))).not.toContain('expected');
  });

  it('a hand-edited state file with an invalid LP threshold is refused by the settings schema', () => {
    expect(settingsProblem('alert-thresholds', { lp_near_edge_bins: 2.5 })).toMatch(/^alert-thresholds\.lp_near_edge_bins: /);
    expect(settingsProblem('alert-thresholds', { lp_skew: 1 })).toMatch(/^alert-thresholds\.lp_skew: /);
    expect(settingsProblem('alert-thresholds', { lp_oracle_divergence: 0 })).toMatch(/^alert-thresholds\.lp_oracle_divergence: /);
    expect(settingsProblem('alert-thresholds', { lp_near_edge_bins: 4, lp_skew: 0.85, lp_oracle_divergence: 0.005 })).toBeNull();
  });
});
