/**
 * DLMM bin math. Independent values (python: (1 + 20/1e4)**k):
 *   binPrice(2415, 20) = 1.002**2415 = 124.6084511572518;  binPrice(-100, 100) = 1.01**-100 = 0.3697112123291189
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binIdAt, binPrice, composition, impermanentLoss, lpDelta, lpValueAt, quoteShare, type BinLiquidity } from '../../src/risk/lp.ts';

describe('DLMM bin math', () => {
  it('prices bins as (1 + binStep/10000)^binId', () => {
    expect(binPrice(0, 20)).toBe(1);
    expect(binPrice(2415, 20)).toBeCloseTo(124.6084511572518, 9);
    expect(binPrice(-100, 100)).toBeCloseTo(0.3697112123291189, 12);
  });

  it('finds the bin containing a price, edges included', () => {
    fc.assert(fc.property(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), fc.constantFrom(1, 10, 20, 50, 100, 250), (price, step) => {
      const id = binIdAt(price, step);
      expect(binPrice(id, step)).toBeLessThanOrEqual(price);
      expect(binPrice(id + 1, step)).toBeGreaterThan(price);
    }));
    expect(binIdAt(binPrice(37, 20), 20)).toBe(37);
  });

  it('splits liquidity: all quote below the price, all base above, log-linear inside the active bin', () => {
    expect(quoteShare(10, 20, binPrice(12, 20))).toBe(1);
    expect(quoteShare(10, 20, binPrice(9, 20))).toBe(0);
    const mid = Math.sqrt(binPrice(10, 20) * binPrice(11, 20));
    expect(quoteShare(10, 20, mid)).toBeCloseTo(0.5, 12);
  });

  const bins = Array.from({ length: 21 }, (_, i) => ({ binId: 2405 + i, liquidity: 100 }));

  it('values a position continuously in price and holds base only below its range', () => {
    const lo = binPrice(2405, 20);
    const hi = binPrice(2426, 20);
    const below = composition(bins, 20, lo * 0.9);
    expect(below.quote).toBe(0);
    const above = composition(bins, 20, hi * 1.1);
    expect(above.base).toBe(0);
    expect(above.quote).toBeCloseTo(2100, 9);
    // Continuity across a bin edge.
    const edge = binPrice(2415, 20);
    expect(lpValueAt(bins, 20, edge * (1 - 1e-12))).toBeCloseTo(lpValueAt(bins, 20, edge * (1 + 1e-12)), 6);
    expect(lpDelta(bins, 20, lo * 0.5)).toBeCloseTo(below.base, 12);
  });

  /*
   * When the log-linear active bin beats holding, and by how much (units in brackets; δ = binStep/10000 and
   * R = ln(1 + δ) are dimensionless).
   *   Bin b has lower edge P_b [quote/base] and liquidity L_b [quote]. At market price p [quote/base] it holds
   *   y = L_b·s_b(p) [quote] and x = L_b·(1 − s_b(p))/P_b [base], s_b = quoteShare ∈ [0, 1]. It trades at its own
   *   price P_b (constant-sum: P_b·x + y = L_b), but is marked at p.
   *   Value V(p) = Σ x_b(p)·p + y_b(p); hold H(p) = Σ x_b(e)·p + y_b(e) for entry e [quote]. Then
   *     V − H = Σ_b L_b·(s_b(p) − s_b(e))·(1 − p/P_b)   [quote].
   *   Bins wholly below p: s_b(p) = 1 ≥ s_b(e) and p/P_b ≥ 1, term ≤ 0. Bins wholly above p: s_b(p) = 0 ≤ s_b(e) and
   *   p ≤ P_b, term ≤ 0. Only the bin k = binIdAt(p) holding the price can gain: p ≥ P_k, so its term is > 0 iff
   *   s_k(p) < s_k(e), i.e. the price fell (p < e), whether e is in bin k or above it. The gain is base bought at P_k
   *   and marked at p > P_k. With u = ln(p/P_k) ∈ [0, R), s_k(p) = u/R and s_k(e) ≤ 1:
   *     V − H ≤ L_k·(1 − u/R)·(eᵘ − 1) ≤ L_k·B(δ),  B(δ) = max over 0 ≤ u ≤ R of (1 − u/R)(eᵘ − 1)   [quote],
   *   the maximum where eᵘ·(1 + u − R) = 1 (u* ≈ R/2). As eᵘ − 1 ≤ u·e^R, B(δ) ≤ (1 + δ)·R/4 ≈ δ/4.
   *   So IL = (V − H)/H ≤ L_k·B(δ)/H(p) [dimensionless], and IL ≤ 0 (up to rounding) whenever p ≥ e or no bin of
   *   the position holds p. Fixture (21 bins × 100, ids 2405–2425, step 20): each bin's hold term is ≥ L·min(1, p/P_b), so while a
   *   bin holds p, H ≥ 2100·1.002⁻²⁰ and IL ≤ 100·B(0.002)·1.002²⁰/2100.
   * Independent values (python, scipy.optimize.brentq on eᵘ(1 + u − R) = 1, checked by minimize_scalar):
   *   R = ln(1.002) = 0.001998002662673056, u* = 0.0009992508733799581,
   *   B(0.002) = 0.0004997502808703555 (R/4 = 0.000499500665668264, (1 + δ)R/4 = 0.0005004996669996006),
   *   fixture cap 100·B·1.002**20/2100 = 2.476784281100092e-05.
   */
  const STEP = 20;
  const R20 = 0.001998002662673056;
  const U_STAR20 = 0.0009992508733799581;
  const B20 = 0.0004997502808703555;
  const FIXTURE_IL_BOUND = 2.476784281100092e-5;
  /** Float rounding only, relative to the hold value. */
  const ROUNDING = 1e-12;
  /** Closed-form cap on B(δ) for any bin step: (1 + δ)·ln(1 + δ)/4. */
  const capB = (binStep: number): number => ((1 + binStep / 10_000) * Math.log1p(binStep / 10_000)) / 4;

  const holdAt = (bs: readonly BinLiquidity[], step: number, entry: number, price: number): number => {
    const start = composition(bs, step, entry);
    return start.base * price + start.quote;
  };
  /** Liquidity of the position's bin holding `price`, 0 when none does. */
  const liquidityAt = (bs: readonly BinLiquidity[], step: number, price: number): number =>
    bs.find((b) => b.binId === binIdAt(price, step))?.liquidity ?? 0;

  /** The property: IL ≤ rounding unless the price fell inside a bin of the position, then IL ≤ L_k·B/H. */
  const expectBounded = (bs: readonly BinLiquidity[], step: number, b: number, entry: number, price: number): void => {
    const il = impermanentLoss(bs, step, entry, price);
    const lk = liquidityAt(bs, step, price);
    if (price >= entry || lk === 0) expect(il).toBeLessThanOrEqual(ROUNDING);
    else expect(il).toBeLessThanOrEqual((lk * b) / holdAt(bs, step, entry, price) + ROUNDING);
  };

  /** A price inside bin `id` at log-position `frac` ∈ [0, 1). */
  const inBin = (id: number, frac: number, step: number): number => binPrice(id, step) * Math.exp(frac * Math.log1p(step / 10_000));
  // Uniform on [0, 1): fc.double spreads over float bit patterns, so it would mostly give fractions near 0.
  const frac = fc.integer({ min: 0, max: 999_999 }).map((i) => i / 1e6);

  it('beats holding only after a fall inside the bin holding the price, by at most L·B(step)/hold', () => {
    expect(impermanentLoss(bins, STEP, 124, 124)).toBeCloseTo(0, 12);
    // B20 is the maximum it claims to be.
    expect((1 - U_STAR20 / R20) * Math.expm1(U_STAR20)).toBeCloseTo(B20, 15);
    expect(B20).toBeLessThanOrEqual(capB(STEP));
    const wide = fc.double({ min: 60, max: 250, noNaN: true });
    const id = fc.integer({ min: 2400, max: 2430 });
    const pair = fc.oneof(
      fc.tuple(wide, wide),
      fc.tuple(id, frac, id, frac).map(([a, fa, b, fb]) => [inBin(a, fa, STEP), inBin(b, fb, STEP)] as const),
      fc.tuple(id, frac, frac).map(([a, fa, fb]) => [inBin(a, fa, STEP), inBin(a, fb, STEP)] as const),
      fc.tuple(id, frac, fc.integer({ min: 1, max: 3 }), frac).map(([a, fa, up, fe]) => [inBin(a + up, fe, STEP), inBin(a, fa, STEP)] as const),
    );
    fc.assert(fc.property(pair, ([entry, price]) => {
      expectBounded(bins, STEP, B20, entry, price);
      expect(impermanentLoss(bins, STEP, entry, price)).toBeLessThanOrEqual(FIXTURE_IL_BOUND + ROUNDING);
    }), { numRuns: 500 });
  });

  it('keeps the in-bin gain within (1 + δ)·ln(1 + δ)/4 of the active bin for any step and liquidity shape', () => {
    const position = fc.record({
      step: fc.constantFrom(1, 10, 20, 50, 100, 250),
      lo: fc.integer({ min: -60, max: 60 }),
      liquidity: fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 12 }),
    });
    fc.assert(fc.property(position, fc.integer({ min: -2, max: 14 }), frac, fc.integer({ min: -2, max: 14 }), frac, (pos, ei, ef, pi, pf) => {
      const bs = pos.liquidity.map((liquidity, i) => ({ binId: pos.lo + i, liquidity }));
      expectBounded(bs, pos.step, capB(pos.step), inBin(pos.lo + ei, ef, pos.step), inBin(pos.lo + pi, pf, pos.step));
    }), { numRuns: 500 });
  });

  it('pins the issue\'s counterexample: a fall from 1.0015× to 1.0005× bin 2424\'s lower edge beats holding by 1.19e-5', () => {
    // python: P = 1.002**2424 = 126.8694308836419; s = ln(p/P)/ln(1.002); value and hold summed over the 21 bins.
    const lower = binPrice(2424, STEP);
    expect(lower).toBeCloseTo(126.8694308836419, 10);
    const entry = 1.0015 * lower;
    const price = 1.0005 * lower;
    expect([binIdAt(entry, STEP), binIdAt(price, STEP)]).toEqual([2424, 2424]);
    const sEntry = quoteShare(2424, STEP, entry);
    const sPrice = quoteShare(2424, STEP, price);
    expect(sEntry).toBeCloseTo(0.750187250366651, 12);
    expect(sPrice).toBeCloseTo(0.2501873751170219, 12);
    const value = lpValueAt(bins, STEP, price);
    const hold = holdAt(bins, STEP, entry, price);
    expect(value).toBeCloseTo(2099.887790032442, 9);
    expect(hold).toBeCloseTo(2099.862790038679, 9);
    // The gain is the active bin's alone: L·(s_e − s_p)·(p/P − 1) = 100 · 0.5 · 0.0005 ≈ 0.025 quote.
    expect(value - hold).toBeCloseTo(0.024999993762776285, 9);
    expect(value - hold).toBeCloseTo(100 * (sEntry - sPrice) * (price / lower - 1), 9);
    const il = impermanentLoss(bins, STEP, entry, price);
    expect(il).toBeCloseTo(1.1905536819512008e-5, 14);
    expect(il).toBeGreaterThan(0);
    expect(il).toBeLessThanOrEqual((100 * B20) / hold);
  });

  it('also beats holding when the price falls from the bin above into the middle of the bin below (near the bound)', () => {
    // python: entry = 1.002**2425·(1 + 1e-9), price = 1.002**2424.5; IL = 2.379873871549698e-05,
    // bound 100·B/hold = 2.3798763999224204e-05. Entry and price in different bins is no guarantee of IL ≤ 0.
    const entry = binPrice(2425, STEP) * (1 + 1e-9);
    const price = Math.sqrt(binPrice(2424, STEP) * binPrice(2425, STEP));
    expect([binIdAt(entry, STEP), binIdAt(price, STEP)]).toEqual([2425, 2424]);
    const il = impermanentLoss(bins, STEP, entry, price);
    expect(il).toBeCloseTo(2.379873871549698e-5, 14);
    expect(il).toBeGreaterThan(0);
    expect((100 * B20) / holdAt(bins, STEP, entry, price)).toBeCloseTo(2.3798763999224204e-5, 14);
    expect(il).toBeLessThanOrEqual((100 * B20) / holdAt(bins, STEP, entry, price));
  });

  it('has a delta that falls as the price rises (the LP sells base into rallies)', () => {
    fc.assert(fc.property(fc.double({ min: 100, max: 150, noNaN: true }), fc.double({ min: 0.0001, max: 0.2, noNaN: true }), (p, bump) => {
      expect(lpDelta(bins, 20, p * (1 + bump))).toBeLessThanOrEqual(lpDelta(bins, 20, p) + 1e-9);
    }));
  });
});

describe('LP instruments with a price scale (Saros: bin price = 10^(dx − dy) × (1+s)^(id − 2^23))', () => {
  it('a scale of (1+s)^m with ids shifted by −m is the same position: same value and delta at every price', async () => {
    const { deltaUsd, instrumentValue } = await import('../../src/risk/portfolio-model.ts');
    fc.assert(fc.property(
      fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: -50, max: 50 }), fc.double({ min: 60, max: 250, noNaN: true }),
      (m, first, p) => {
        const bins = Array.from({ length: 11 }, (_, i) => ({ binId: 2415 + first + i, liquidity: 100 + i * 7 }));
        const plain = { kind: 'lp' as const, id: 'a', label: 'a', asset: 'SOL', quoteAsset: 'USDC', binStep: 20, bins, feesUsd: 3 };
        const scaled = { ...plain, bins: bins.map((b) => ({ ...b, binId: b.binId - m })), priceScale: binPrice(m, 20) };
        const prices = { SOL: p, USDC: 1 };
        expect(instrumentValue(scaled, prices)).toBeCloseTo(instrumentValue(plain, prices), 6);
        expect(deltaUsd(scaled, prices)).toBeCloseTo(deltaUsd(plain, prices), 6);
      },
    ), { numRuns: 200 });
  });
});
