/**
 * Fees and HODL since a position's baseline (src/venues/saros/baseline.ts) against reference/baseline.json, written by
 * reference/baseline.py (Python big integers; the formula and how the cases are built are in its docstring), plus
 * properties: a swap inside a bin at its price adds no fee, a fee added to a bin is found, share for share.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sinceBaseline } from '../../../src/venues/saros/baseline.ts';
import { BIN_ID_OFFSET, priceQ64FromId, type BinState } from '../../../src/venues/saros/math.ts';

interface Case {
  readonly binStep: number;
  readonly lowerBinId: number;
  readonly shares: readonly string[];
  readonly now: Readonly<Record<string, readonly [string, string, string]>>;
  readonly then: Readonly<Record<string, readonly [string, string, string]>>;
  readonly expect: { fees_y: string; hodl_x: string; hodl_y: string; unrecorded: number[]; exact_fees_y: string };
}

const ref = JSON.parse(readFileSync(new URL('./reference/baseline.json', import.meta.url), 'utf8')) as { cases: Case[] };
const bin = (v: readonly [string, string, string]): BinState => ({ reserveX: BigInt(v[0]), reserveY: BigInt(v[1]), totalSupply: BigInt(v[2]) });

describe('sinceBaseline against the Python reference', () => {
  it.each(ref.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const now = new Map(Object.entries(c.now).map(([k, v]) => [Number(k), bin(v)]));
    const then = new Map(Object.entries(c.then).map(([k, v]) => [Number(k), bin(v)]));
    const r = sinceBaseline({ shares: c.shares.map(BigInt), lowerBinId: c.lowerBinId, binStep: c.binStep, bins: (b) => now.get(b), baseline: then });
    expect(r.feesY.toString()).toBe(c.expect.fees_y);
    expect(r.hodlX.toString()).toBe(c.expect.hodl_x);
    expect(r.hodlY.toString()).toBe(c.expect.hodl_y);
    expect(r.unrecorded).toEqual(c.expect.unrecorded);
    // Against exact rational arithmetic: within one base unit per bin.
    const bins = BigInt(c.shares.length);
    const diff = BigInt(c.expect.exact_fees_y) - r.feesY;
    expect(diff >= -bins && diff <= bins).toBe(true);
  });

  it('the reference covers fees, swaps inside bins, deposits and unrecorded bins', () => {
    expect(ref.cases.length).toBeGreaterThanOrEqual(40);
    expect(ref.cases.filter((c) => c.expect.fees_y !== '0').length).toBeGreaterThan(20);
    expect(ref.cases.some((c) => c.expect.unrecorded.length > 0)).toBe(true);
  });
});

const u64 = fc.bigInt({ min: 1n, max: (1n << 50n) });

describe('sinceBaseline properties', () => {
  it('nothing changed: no fees, and the HODL is what the shares hold now', () => {
    fc.assert(fc.property(u64, u64, u64, fc.integer({ min: -500, max: 500 }), (rx, ry, ts, n) => {
      const id = BIN_ID_OFFSET + n;
      const b = { reserveX: rx, reserveY: ry, totalSupply: ts };
      const share = ts / 3n;
      const r = sinceBaseline({ shares: [share], lowerBinId: id, binStep: 20, bins: () => b, baseline: new Map([[id, b]]) });
      expect(r.feesY).toBe(0n);
      expect([r.hodlX, r.hodlY]).toEqual([(share * rx) / ts, (share * ry) / ts]);
    }));
  });

  it('a swap inside a bin at its price adds at most one base unit of "fee"; a fee added to the reserves is found', () => {
    fc.assert(fc.property(u64, u64, u64, fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: 0n, max: 1n << 40n }), fc.integer({ min: -500, max: 500 }), fc.constantFrom(1, 10, 20, 100),
      (rx, ry, ts, dx, fee, n, step) => {
        const id = BIN_ID_OFFSET + n;
        const p = priceQ64FromId(id, step);
        const dy = (dx * p) >> 64n;
        fc.pre(dy <= ry);
        const then = { reserveX: rx, reserveY: ry, totalSupply: ts };
        const swapped = { reserveX: rx + dx, reserveY: ry - dy, totalSupply: ts };
        // All the shares: the position's value is the bin's.
        const swapOnly = sinceBaseline({ shares: [ts], lowerBinId: id, binStep: step, bins: () => swapped, baseline: new Map([[id, then]]) });
        expect(swapOnly.feesY).toBeLessThanOrEqual(1n);
        const withFee = { ...swapped, reserveY: swapped.reserveY + fee };
        const r = sinceBaseline({ shares: [ts], lowerBinId: id, binStep: step, bins: () => withFee, baseline: new Map([[id, then]]) });
        expect(r.feesY - fee >= 0n && r.feesY - fee <= 1n).toBe(true);
      }));
  });
});
