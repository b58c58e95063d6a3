/**
 * The Saros venue against the real mainnet program (offline bank behind the fake RPC): every position of a wallet,
 * valued with bigint bin arithmetic, in at most 4 RPC calls.
 */
import type { LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LpPosition } from '../../../src/domain/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { sarosServices } from '../../../src/venues/saros/accounts.ts';
import { SarosVenue } from '../../../src/venues/saros/venue.ts';
import { startSarosChain, type SarosChain } from '../../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig, type OpenedPosition, type Pool } from '../../fakes/saros-pools.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { describeShared, HAVE_SHARED } from '../../helpers/shared-dir.ts';

let chain: SarosChain;
let sdk: LiquidityBookServices;
let sol: Pool;
let inRange: OpenedPosition;
let above: OpenedPosition;
const spent = { x: 0n, y: 0n };

beforeAll(async () => {
  if (!HAVE_SHARED) return;
  chain = await startSarosChain();
  sdk = sarosServices(chain.rpc.url);
  await writeConfig(chain, sdk);
  sol = await createPool(chain, sdk, { decimalsX: 9, decimalsY: 6, binStep: 20, price: 150 });
  await chain.setTokenBalance(chain.payer.publicKey, sol.mintX, 1_000n * 10n ** 9n);
  await chain.setTokenBalance(chain.payer.publicKey, sol.mintY, 100_000n * 10n ** 6n);
  const x0 = await chain.tokenBalance(chain.payer.publicKey, sol.mintX);
  const y0 = await chain.tokenBalance(chain.payer.publicKey, sol.mintY);
  inRange = await openPosition(chain, sdk, sol, { left: -5, right: 5, amountX: 10n * 10n ** 9n, amountY: 1_500n * 10n ** 6n });
  above = await openPosition(chain, sdk, sol, { left: 10, right: 20, amountX: 2n * 10n ** 9n, amountY: 0n });
  spent.x = x0 - await chain.tokenBalance(chain.payer.publicKey, sol.mintX);
  spent.y = y0 - await chain.tokenBalance(chain.payer.publicKey, sol.mintY);
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

function venueFor(symbols: Record<string, string>, prices: Record<string, number> = { SOL: 150, USDC: 1 }): SarosVenue {
  return new SarosVenue({
    rpcUrl: chain.rpc.url, owners: [chain.payer.publicKey.toBase58()], symbolOf: (m) => symbols[m],
    prices: (s) => Promise.resolve(Object.fromEntries(s.filter((x) => prices[x] !== undefined).map((x) => [x, prices[x]!]))),
    clock: new ManualClock(Date.UTC(2026, 11, 7)), logger: captureLogger().logger,
  });
}

describeShared('Saros venue on the real program', () => {
  it('finds every position of the wallet, with the amounts the program took from it (sole LP: bins redeem exactly)', async () => {
    const venue = venueFor({ [sol.mintX.toBase58()]: 'SOL', [sol.mintY.toBase58()]: 'USDC' });
    const snap = await venue.snapshot();
    const lps = snap.positions as LpPosition[];
    expect(lps.map((p) => p.id).sort()).toEqual([`saros:${inRange.position.toBase58()}`, `saros:${above.position.toBase58()}`].sort());
    const a = lps.find((p) => p.id === `saros:${inRange.position.toBase58()}`)!;
    const b = lps.find((p) => p.id === `saros:${above.position.toBase58()}`)!;
    // What the wallet paid is what its positions hold (it owns every share of every bin).
    expect(a.baseAmount.raw + b.baseAmount.raw).toBe(spent.x);
    expect(a.quoteAmount.raw + b.quoteAmount.raw).toBe(spent.y);
    expect(b.quoteAmount.raw).toBe(0n);
    // Range, active bin and in-range flags, in domain ids (program id − 2^23).
    expect([a.lowerBinId, a.upperBinId, a.activeBinId]).toEqual([sol.activeId - 5 - 8_388_608, sol.activeId + 5 - 8_388_608, sol.activeId - 8_388_608]);
    expect(a.inRange).toBe(true);
    expect(b.inRange).toBe(false);
    // Bin prices: (1.002)^(id − 2^23) × 10^(9 − 6); the active bin is the one createPairWithConfig chose for $150.
    const price = (id: number): number => 1.002 ** (id - 8_388_608) * 1000;
    expect(a.priceLower / price(sol.activeId - 5) - 1).toBeCloseTo(0, 12);
    expect(a.priceUpper / price(sol.activeId + 6) - 1).toBeCloseTo(0, 12);
    expect(price(sol.activeId) <= 150 * 1.002 && price(sol.activeId) >= 150 / 1.002).toBe(true);
    expect(a.priceScale).toBe(1000);
    // Per-bin shares add up to the position's totals; X only above the active bin, Y only below it.
    expect(a.bins.reduce((s, x) => s + x.base.raw, 0n)).toBe(a.baseAmount.raw);
    for (const bin of a.bins) {
      if (bin.binId < a.activeBinId) expect(bin.base.raw).toBe(0n);
      if (bin.binId > a.activeBinId) expect(bin.quote.raw).toBe(0n);
    }
    // USD value: X × $150 + Y × $1, micro-USD, exact.
    expect(a.valueUsd).toBe((a.baseAmount.raw * 150n * 10n ** 6n) / 10n ** 9n + a.quoteAmount.raw);
    expect(snap.prices).toEqual({ SOL: 150, USDC: 1 });
    expect(snap.unpriced).toEqual([]);
  });

  it('reads a wallet in at most 4 RPC calls, 3 once the mint decimals are known', async () => {
    const venue = venueFor({ [sol.mintX.toBase58()]: 'SOL', [sol.mintY.toBase58()]: 'USDC' });
    const before = chain.rpc.calls().length;
    await venue.snapshot();
    const first = chain.rpc.calls().slice(before).map((c) => c.method);
    expect(first).toEqual(['getTokenAccountsByOwner', 'getMultipleAccounts', 'getMultipleAccounts', 'getMultipleAccounts']);
    const mid = chain.rpc.calls().length;
    await venue.snapshot();
    expect(chain.rpc.calls().slice(mid).map((c) => c.method)).toEqual(['getTokenAccountsByOwner', 'getMultipleAccounts', 'getMultipleAccounts']);
  });

  it('a pair it cannot price is listed by its position NFT and valued nowhere', async () => {
    const venue = venueFor({ [sol.mintX.toBase58()]: 'SOL' });
    const snap = await venue.snapshot();
    expect(snap.positions).toEqual([]);
    expect((snap.unpriced ?? []).map((u) => u.mint).sort()).toEqual([inRange.positionMint.toBase58(), above.positionMint.toBase58()].sort());
  });
});
