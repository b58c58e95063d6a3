/**
 * Fee and HODL estimates on the real program: a position that owns its whole pool, swaps through it, and what
 * /lp reports (feesUsd, hodlUsd) against the fees the program charged (quoted bit-exactly from the bins, less the
 * protocol's share) and against holding the tokens.
 */
import type { LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LpPosition } from '../../../src/domain/index.ts';
import type { LpBaselineRecord } from '../../../src/ports/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { sarosServices } from '../../../src/venues/saros/accounts.ts';
import { binPrice } from '../../../src/venues/saros/math.ts';
import { SarosReader } from '../../../src/venues/saros/reader.ts';
import { quoteExactIn } from '../../../src/venues/saros/swap-math.ts';
import { SarosVenue } from '../../../src/venues/saros/venue.ts';
import { startSarosChain, type SarosChain } from '../../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig, type Pool } from '../../fakes/saros-pools.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { describeShared, HAVE_SHARED } from '../../helpers/shared-dir.ts';

let chain: SarosChain;
let sdk: LiquidityBookServices;
let pool: Pool;
let venue: SarosVenue;
/** The oracle's SOL price, USD. */
let solUsd = 150;
const stored = new Map<string, LpBaselineRecord>();
const SOL = 10n ** 9n;
/** The pool's protocol share of swap fees (test/fakes/saros-pools.ts FEES.protocolShare), bps. */
const PROTOCOL_SHARE_BPS = 2000n;

beforeAll(async () => {
  if (!HAVE_SHARED) return;
  chain = await startSarosChain();
  sdk = sarosServices(chain.rpc.url);
  await writeConfig(chain, sdk);
  pool = await createPool(chain, sdk, { decimalsX: 9, decimalsY: 6, binStep: 20, price: 150, classicX: true, classicY: true });
  await chain.setTokenBalance(chain.payer.publicKey, pool.mintX, 100n * SOL);
  await chain.setTokenBalance(chain.payer.publicKey, pool.mintY, 50_000n * 10n ** 6n);
  await openPosition(chain, sdk, pool, { left: -8, right: 8, amountX: 10n * SOL, amountY: 1_500n * 10n ** 6n });
  const symbols: Record<string, string> = { [pool.mintX.toBase58()]: 'SOL', [pool.mintY.toBase58()]: 'USDC' };
  venue = new SarosVenue({
    rpcUrl: chain.rpc.url, owners: [chain.payer.publicKey.toBase58()], symbolOf: (m) => symbols[m],
    prices: (xs) => Promise.resolve(Object.fromEntries(xs.map((x) => [x, x === 'SOL' ? solUsd : 1]))),
    clock: new ManualClock(Date.UTC(2026, 11, 7, 12)), logger: captureLogger().logger,
    baselines: {
      get: (id) => Promise.resolve(stored.get(id)),
      put: (r) => Promise.resolve(void stored.set(r.id, r)),
      prune: () => Promise.resolve(),
    },
  });
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

async function lp(): Promise<LpPosition> {
  const s = await venue.snapshot();
  const p = s.positions[0];
  if (p?.kind !== 'lp') throw new Error('no LP');
  return p;
}

/** Swaps `amount` in through the pool, quoted from the bins first; returns the LP's part of the fee, in Y at the active bin's price. */
async function swap(amount: bigint, swapForY: boolean): Promise<number> {
  const [loaded] = await new SarosReader(chain.connection, sdk.lbProgram.coder, sdk.lbProgram.programId).read([chain.payer.publicKey.toBase58()]);
  const nowSeconds = Number((await chain.context.banksClient.getClock()).unixTimestamp);
  const q = quoteExactIn({
    bins: (id) => loaded!.bins.get(id), activeId: loaded!.pair.activeId, binStep: 20, swapForY, amountIn: amount,
    fees: { params: loaded!.pair.staticFee, state: loaded!.pair.dynamicFee, nowSeconds },
  });
  const tx = await sdk.swap({
    tokenMintX: pool.mintX, tokenMintY: pool.mintY, amount, otherAmountOffset: q.amountOut, swapForY, isExactInput: true,
    pair: pool.pair, hook: sdk.hooksConfig, payer: chain.payer.publicKey,
  });
  await chain.send(tx, [], 400_000);
  const lpFee = Number(q.fee - (q.fee * PROTOCOL_SHARE_BPS) / 10_000n);
  // The fee is in the input token: X fees are worth their bin's price in Y (the bins crossed differ by < 0.2% each).
  return swapForY ? (lpFee / 1e9) * binPrice(loaded!.pair.activeId, 20, 9, 6) : lpFee / 1e6;
}

describeShared('LP fee and HODL estimates on the real program', () => {
  it('before any swap: no fees, HODL = value; after swaps: the fees the program kept for the LP, and the cost against holding', async () => {
    const first = await lp();
    expect(first.feesUsd).toBe(0n);
    expect(first.hodlUsd).toBe(first.valueUsd);
    expect(first.trackedSince).toBe(Date.UTC(2026, 11, 7, 12));
    expect(stored.get(first.id)?.bins).toHaveLength(17);

    // Sell 3 SOL then buy back with 300 USDC: two fees for the LP, the price back near where it was.
    let expected = await swap(3n * SOL, true);
    expected += await swap(300n * 10n ** 6n, false);
    const after = await lp();
    const fees = Number(after.feesUsd) / 1e6;
    expect(expected).toBeGreaterThan(0.5);
    expect(Math.abs(fees - expected) / expected).toBeLessThan(0.01);
    // The deposit is the baseline at its prices: unchanged by swaps.
    expect(after.depositedUsd).toBe(first.depositedUsd);
    expect(after.trackedSince).toBe(first.trackedSince);

    // A one-way fall (sell 5 SOL) and the oracle follows the pool: the LP bought SOL all the way down, so it is worth
    // less than the tokens held (fees aside), by a fraction of a percent over a few bins.
    await swap(5n * SOL, true);
    const [loaded] = await new SarosReader(chain.connection, sdk.lbProgram.coder, sdk.lbProgram.programId).read([chain.payer.publicKey.toBase58()]);
    solUsd = binPrice(loaded!.pair.activeId, 20, 9, 6);
    expect(solUsd).toBeLessThan(149);
    const fell = await lp();
    const vsHodl = Number(fell.valueUsd - fell.feesUsd - (fell.hodlUsd ?? 0n)) / 1e6;
    expect(fell.feesUsd).toBeGreaterThan(after.feesUsd);
    expect(vsHodl).toBeLessThan(0);
    expect(Math.abs(vsHodl) / (Number(fell.valueUsd) / 1e6)).toBeLessThan(0.01);
  });
});
