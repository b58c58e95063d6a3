/**
 * /optimize on the demo book (five risky assets: BTC, ETH, JUP, SOL, WIF; 30 days of simulated history): long-short
 * weights with the gross cap, efficient return, and unreachable targets shown as user errors. The optimiser's numbers
 * themselves are checked against scipy in test/risk/optimize-longshort.test.ts; here, what a user sees.
 */
import { describe, expect, it } from 'vitest';
import { buttonsOf, plainText, type Reply } from '../../src/core/reply.ts';
import { field, testApp } from '../helpers/app.ts';

/** Target column (percent) by asset. */
function targets(r: Reply): Record<string, number> {
  const t = r.blocks.find((b) => b.kind === 'table');
  if (!t || t.kind !== 'table') throw new Error(`no table in ${plainText(r)}`);
  return Object.fromEntries(t.rows.map((row) => [row[0]!, Number(row[2]!.replace('%', ''))]));
}
const sum = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0);

describe('/optimize long-short', () => {
  it('shorts through perps: weights sum to 100%, gross within 150%, each within ±30%', async () => {
    const { send } = testApp();
    for (const cmd of ['/optimize min-variance long-short', '/optimize min-variance book=long-short', '/optimize max-sharpe long-short']) {
      const r = await send(cmd);
      const w = Object.values(targets(r));
      expect(plainText(r), cmd).toContain('long-short · each weight within ±30% · gross ≤ 150%');
      expect(Math.abs(sum(w) - 100)).toBeLessThan(0.3);
      expect(sum(w.map(Math.abs))).toBeLessThanOrEqual(150.3);
      expect(w.some((x) => x < 0), cmd).toBe(true);
      expect(w.every((x) => Math.abs(x) <= 30.05)).toBe(true);
      expect(field(r, 'Gross')).toMatch(/^\d+\.\d% of capital$/);
      // /target use … long-short re-optimises the same weights: the button passes the book and the cap.
      expect(buttonsOf(r).map((b) => b.label)).toEqual(['Use as target']);
    }
  });

  it('gross=100% leaves no room to short: the long-only answer; gross=300% widens the cap', async () => {
    const { send } = testApp();
    expect(targets(await send('/optimize max-sharpe long-short gross=100%'))).toEqual(targets(await send('/optimize max-sharpe')));
    const wide = await send('/optimize max-sharpe gross=300%');
    expect(plainText(wide)).toContain('gross ≤ 300%');
    expect(plainText(await send('/optimize max-sharpe long-only gross=2'))).toContain('gross only applies to long-short.');
    expect(plainText(await send('/optimize max-sharpe long-short gross=150'))).toContain('gross: expected a gross cap such as 150% or 1.5 (at most 1000%), got "150"');
    expect(plainText(await send('/optimize max-sharpe long-short gross=50%'))).toContain('gross must be at least 100% (weights sum to 100%), got 50.0%.');
  });

  it('risk parity stays long-only', async () => {
    const { send } = testApp();
    expect(plainText(await send('/optimize risk-parity long-short'))).toContain('risk-parity is long-only: a short cannot carry a risk budget.');
  });
});

describe('/optimize return (efficient return)', () => {
  it('hits a reachable target; a target under the least volatile mix’s return gives that mix, with a note', async () => {
    const { send } = testApp();
    const r = await send('/optimize return 130%');
    expect(plainText(r)).toContain('Optimise: efficient-return 130.0%');
    expect(field(r, 'Expected return')).toBe('+130.0% a year (historical mean)');
    const low = await send('/optimize return 40%');
    expect(plainText(low)).toMatch(/Note: the least volatile mix already returns \d+\.\d% a year, above the 40\.0% target\./);
    expect(targets(low)).toEqual(targets(await send('/optimize min-variance')));
  });

  it('a target above the best achievable is a user error naming both', async () => {
    const { send } = testApp();
    expect(plainText(await send('/optimize return 500%'))).toMatch(
      /^Target return 500\.0% a year is above the best these assets reached \(\d+\.\d\d% long-only\)\.\nAim at \d+\.\d% or less, or add long-short\./);
    expect(plainText(await send('/optimize return 500% long-short'))).toMatch(/above the best these assets reached \(\d+\.\d\d% at 150% gross\)/);
    expect(plainText(await send('/optimize return'))).toContain('efficient-return needs a target annual return.');
  });
});

describe('/optimize target-vol below the least volatile mix', () => {
  it('is a user error naming the target and the least volatile mix (no silent min-variance)', async () => {
    const { send } = testApp();
    const text = plainText(await send('/optimize target-vol'));
    const m = /^Target volatility 15\.0% a year is below the least volatile mix \((\d+\.\d\d)%\)\.\nAim at (\d+\.\d)% or more, or use min-variance\./.exec(text);
    expect(m, text).not.toBeNull();
    // The least volatile mix is what min-variance shows, and the suggested target is reachable.
    const mv = await send('/optimize min-variance');
    expect(field(mv, 'Volatility')).toBe(`${Number(m![1]).toFixed(1)}% a year`);
    const ok = await send(`/optimize target-vol ${m![2]}%`);
    expect(field(ok, 'Volatility')).toBe(`${m![2]}% a year`);
  });
});

describe('/help optimize', () => {
  it('lists the new options from the argument schema', async () => {
    const { send } = testApp();
    const text = plainText(await send('/help optimize'));
    expect(text).toContain('Usage: /optimize [objective] [target] [book] [gross]');
    expect(text).toContain('efficient-return (return)');
    expect(text).toContain('one of long-only, long-short');
    expect(text).toContain('Gross cap for long-short');
  });
});
