/**
 * /recenter's plan against the real program: the preview's three legs are then executed on the offline chain with
 * instructions built from the SDK and its IDL, and the wallet's balances move exactly as the preview said (the swap
 * is quoted by walking the same bins the program walks, so amounts match to the base unit).
 */
import { BN } from '@coral-xyz/anchor';
import { createUniformDistribution, LiquidityShape, type LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID } from '@solana/spl-token';
import { Keypair, PublicKey, Transaction } from '@solana/web3.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiquidityStep } from '../../../src/ports/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { VenueError } from '../../../src/shared/errors.ts';
import { sarosServices } from '../../../src/venues/saros/accounts.ts';
import { SarosVenue } from '../../../src/venues/saros/venue.ts';
import { startSarosChain, type SarosChain } from '../../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig, type OpenedPosition, type Pool } from '../../fakes/saros-pools.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { describeShared, HAVE_SHARED } from '../../helpers/shared-dir.ts';

let chain: SarosChain;
let sdk: LiquidityBookServices;
let pool: Pool;
let depth: OpenedPosition;
let narrow: OpenedPosition;
let venue: SarosVenue;

beforeAll(async () => {
  if (!HAVE_SHARED) return;
  chain = await startSarosChain();
  sdk = sarosServices(chain.rpc.url);
  await writeConfig(chain, sdk);
  pool = await createPool(chain, sdk, { decimalsX: 9, decimalsY: 6, binStep: 20, price: 150 });
  await chain.setTokenBalance(chain.payer.publicKey, pool.mintX, 1_000n * 10n ** 9n);
  await chain.setTokenBalance(chain.payer.publicKey, pool.mintY, 200_000n * 10n ** 6n);
  // Someone else's depth around the price (the same wallet here; the swap trades against it), and a narrow
  // position entirely above the price (all SOL): the one to re-center.
  depth = await openPosition(chain, sdk, pool, { left: -15, right: 15, amountX: 100n * 10n ** 9n, amountY: 15_000n * 10n ** 6n });
  narrow = await openPosition(chain, sdk, pool, { left: 3, right: 9, amountX: 2n * 10n ** 9n, amountY: 0n });
  const symbols: Record<string, string> = { [pool.mintX.toBase58()]: 'SOL', [pool.mintY.toBase58()]: 'USDC' };
  venue = new SarosVenue({
    rpcUrl: chain.rpc.url, owners: [chain.payer.publicKey.toBase58()], symbolOf: (m) => symbols[m],
    prices: (xs) => Promise.resolve(Object.fromEntries(xs.map((x) => [x, x === 'SOL' ? 150 : 1]))),
    clock: new ManualClock(Date.UTC(2026, 11, 7)), logger: captureLogger().logger,
  });
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

function arrays(lowerBinId: number): { binArrayLower: PublicKey; binArrayUpper: PublicKey } {
  const idx = Math.floor(lowerBinId / 256);
  const at = (i: number): PublicKey => PublicKey.findProgramAddressSync([Buffer.from('bin_array'), pool.pair.toBuffer(), new BN(i).toArrayLike(Buffer, 'le', 4)], sdk.lbProgram.programId)[0];
  return { binArrayLower: at(idx), binArrayUpper: at(idx + 1) };
}

function step<K extends LiquidityStep['kind']>(steps: readonly LiquidityStep[], kind: K): Extract<LiquidityStep, { kind: K }> {
  const s = steps.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind} step`);
  return s as Extract<LiquidityStep, { kind: K }>;
}

describeShared('re-center planned on the real pool, executed by the real program', () => {
  it('remove → swap → add: the program moves exactly the amounts the preview shows', async () => {
    const id = `saros:${narrow.position.toBase58()}`;
    const plan = await venue.previewRecenter(id, { width: 11, shape: 'spot' });
    expect(plan.steps.map((s) => s.kind)).toEqual(['remove', 'swap', 'add']);
    const remove = step(plan.steps, 'remove');
    const swap = step(plan.steps, 'swap');
    const add = step(plan.steps, 'add');
    // Before: bins active+3 … active+9, all SOL: 2 SOL × 7 × floor(10000/7) bp = 1.9992 SOL (the SDK's Spot
    // distribution over 7 bins floors each bin's share to 1428 bp), less the program's rounding.
    expect([plan.before?.lowerBinId, plan.before?.upperBinId]).toEqual([pool.activeId + 3 - 8_388_608, pool.activeId + 9 - 8_388_608]);
    expect(remove.quote.raw).toBe(0n);
    expect(remove.base.raw).toBeGreaterThan(1_999_200_000n - 10n);
    expect(remove.base.raw).toBeLessThanOrEqual(1_999_200_000n);
    // Half the value goes to USDC: sell about 1 SOL; the new range is 11 bins centred on the active one.
    expect(swap.sell).toBe('base');
    expect(Number(swap.amountIn.raw) / 1e9).toBeCloseTo(Number(remove.base.raw) * (5.5 / 11) / 1e9, 2);
    expect([add.lowerBinId, add.upperBinId]).toEqual([pool.activeId - 5 - 8_388_608, pool.activeId + 5 - 8_388_608]);
    expect(add.base.raw).toBe(remove.base.raw - swap.amountIn.raw);
    // The add takes what the swap is sure to pay: the quote less the default 50 bps slippage (rounded down).
    expect(swap.minOut.raw).toBe((swap.amountOut.raw * 9_950n) / 10_000n);
    expect(add.quote.raw).toBe(swap.minOut.raw);
    expect(plan.after?.delta).toBeCloseTo(Number(add.base.raw) / 1e9, 9);

    const payer = chain.payer.publicKey;
    const bal = async (): Promise<{ x: bigint; y: bigint }> => ({ x: await chain.tokenBalance(payer, pool.mintX), y: await chain.tokenBalance(payer, pool.mintY) });

    // 1. Remove: decrease_position built from the IDL (the SDK's removeMultipleLiquidity throws on hookless pairs),
    //    with only the position's bins (all 64 shares overrun Anchor's instruction buffer).
    const onChain = await sdk.getPositionAccount(narrow.position) as { liquidityShares: BN[]; lowerBinId: number; upperBinId: number };
    const shares = onChain.liquidityShares.slice(0, onChain.upperBinId - onChain.lowerBinId + 1);
    const vault = (mint: PublicKey): PublicKey => getAssociatedTokenAddressSync(mint, pool.pair, true, TOKEN_2022_PROGRAM_ID);
    const user = (mint: PublicKey): PublicKey => getAssociatedTokenAddressSync(mint, payer, true, TOKEN_2022_PROGRAM_ID);
    const hook = PublicKey.findProgramAddressSync([Buffer.from('hook'), sdk.hooksConfig.toBuffer(), pool.pair.toBuffer()], sdk.hooksProgram.programId)[0];
    const common = {
      pair: pool.pair, position: narrow.position, positionMint: narrow.positionMint,
      positionTokenAccount: getAssociatedTokenAddressSync(narrow.positionMint, payer, true, TOKEN_2022_PROGRAM_ID),
      tokenMintX: pool.mintX, tokenMintY: pool.mintY, tokenVaultX: vault(pool.mintX), tokenVaultY: vault(pool.mintY),
      userVaultX: user(pool.mintX), userVaultY: user(pool.mintY), user: payer, tokenProgramX: TOKEN_2022_PROGRAM_ID,
      tokenProgramY: TOKEN_2022_PROGRAM_ID, positionTokenProgram: TOKEN_2022_PROGRAM_ID, hook, hooksProgram: sdk.hooksProgram.programId,
    };
    const b0 = await bal();
    const removeIx = await sdk.lbProgram.methods.decreasePosition!(shares).accountsPartial({ ...common, ...arrays(onChain.lowerBinId) }).instruction();
    const removed = await chain.send(new Transaction().add(removeIx), [], 400_000);
    const b1 = await bal();
    expect(b1.x - b0.x).toBe(remove.base.raw);
    expect(b1.y - b0.y).toBe(remove.quote.raw);

    // 2. Swap exactly the quoted input with the quoted output as the minimum: the program pays that, to the unit.
    const swapTx = await sdk.swap({
      tokenMintX: pool.mintX, tokenMintY: pool.mintY, amount: swap.amountIn.raw, otherAmountOffset: swap.amountOut.raw,
      swapForY: true, isExactInput: true, pair: pool.pair, hook: sdk.hooksConfig, payer,
    });
    const swapped = await chain.send(swapTx, [], 400_000);
    const b2 = await bal();
    expect(b1.x - b2.x).toBe(swap.amountIn.raw);
    expect(b2.y - b1.y).toBe(swap.amountOut.raw);

    // 3. Add over the new range into a new position (create_position from the IDL; the SDK's appends a failing hook ix).
    const mint = Keypair.generate();
    const position = PublicKey.findProgramAddressSync([Buffer.from('position'), mint.publicKey.toBuffer()], sdk.lbProgram.programId)[0];
    const createIx = await sdk.lbProgram.methods.createPosition!(new BN(-5), new BN(5)).accountsPartial({
      pair: pool.pair, position, positionMint: mint.publicKey, positionTokenAccount: getAssociatedTokenAddressSync(mint.publicKey, payer, true, TOKEN_2022_PROGRAM_ID),
      tokenProgram: TOKEN_2022_PROGRAM_ID, user: payer,
    }).instruction();
    await chain.send(new Transaction().add(createIx), [mint]);
    const addTx = new Transaction();
    await sdk.addLiquidityIntoPosition({
      positionMint: mint.publicKey, payer, pair: pool.pair, transaction: addTx,
      liquidityDistribution: createUniformDistribution({ shape: LiquidityShape.Spot, binRange: [-5, 5] }),
      amountX: Number(add.base.raw), amountY: Number(add.quote.raw), ...arrays(pool.activeId - 5),
    });
    const added = await chain.send(addTx, [], 400_000);
    const b3 = await bal();
    // The SDK's basis-point distribution can leave a few base units of dust in the wallet, never more.
    expect(b2.x - b3.x).toBeLessThanOrEqual(add.base.raw);
    expect(add.base.raw - (b2.x - b3.x)).toBeLessThan(20n);
    expect(add.quote.raw - (b2.y - b3.y)).toBeLessThan(20n);
    expect(removed.unitsConsumed + swapped.unitsConsumed + added.unitsConsumed).toBeGreaterThan(0);
  });

  it('refuses a width a position cannot hold, and a position that is not watched, naming why', async () => {
    const id = `saros:${depth.position.toBase58()}`;
    await expect(venue.previewRecenter(id, { width: 65, shape: 'spot' })).rejects.toThrow(/width must be 1 to 64 bins/);
    await expect(venue.previewRecenter('saros:11111111111111111111111111111111', { shape: 'spot' })).rejects.toBeInstanceOf(VenueError);
  });
});
