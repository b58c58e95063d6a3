/**
 * Known defects of @saros-finance/dlmm-sdk 1.5.0, pinned on the real program: each test shows the SDK failing and
 * the path Vigil uses instead working on the same pool. If an SDK upgrade fixes one, its "SDK fails" half fails and
 * says so; if Vigil's workaround is removed, its other half fails.
 */
import { BN } from '@coral-xyz/anchor';
import type { LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { getAssociatedTokenAddressSync, NATIVE_MINT } from '@solana/spl-token';
import { Keypair, PublicKey, SystemInstruction, SystemProgram, Transaction } from '@solana/web3.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { sarosServices } from '../../../src/venues/saros/accounts.ts';
import { SarosReader } from '../../../src/venues/saros/reader.ts';
import { quoteExactIn } from '../../../src/venues/saros/swap-math.ts';
import { SarosVenue } from '../../../src/venues/saros/venue.ts';
import { startSarosChain, type SarosChain } from '../../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig, type OpenedPosition, type Pool } from '../../fakes/saros-pools.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { describeShared, HAVE_SHARED } from '../../helpers/shared-dir.ts';

let chain: SarosChain;
let sdk: LiquidityBookServices;
let classic: Pool;
let position: OpenedPosition;

beforeAll(async () => {
  if (!HAVE_SHARED) return;
  chain = await startSarosChain();
  sdk = sarosServices(chain.rpc.url);
  await writeConfig(chain, sdk);
  // Classic SPL mints on both sides (as wrapped SOL and USDC are on mainnet), 9 and 6 decimals, no hook.
  classic = await createPool(chain, sdk, { decimalsX: 9, decimalsY: 6, binStep: 20, price: 150, classicX: true, classicY: true });
  await chain.setTokenBalance(chain.payer.publicKey, classic.mintX, 100n * 10n ** 9n);
  await chain.setTokenBalance(chain.payer.publicKey, classic.mintY, 20_000n * 10n ** 6n);
  position = await openPosition(chain, sdk, classic, { left: -10, right: 10, amountX: 10n * 10n ** 9n, amountY: 1_500n * 10n ** 6n });
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

describeShared('Saros SDK 1.5.0 defects and what Vigil does instead', () => {
  it('swap and addLiquidityIntoPosition wrap native SOL again on a wSOL pair, even when the wSOL is already in the token account', async () => {
    const wsol = await chain.createMint(9, false, NATIVE_MINT);
    const pool = await createPool(chain, sdk, { decimalsX: 9, decimalsY: 6, binStep: 20, price: 150, mintX: wsol, mintY: classic.mintY });
    const payer = chain.payer.publicKey;
    const transfers = (tx: Transaction): bigint[] => tx.instructions.filter((ix) => ix.programId.equals(SystemProgram.programId))
      .map((ix) => SystemInstruction.decodeTransfer(ix)).filter((t) => t.toPubkey.equals(getAssociatedTokenAddressSync(wsol, payer))).map((t) => t.lamports);
    // Selling 1 wSOL: the SDK first moves 1 SOL of lamports into the wSOL account (and syncs it), whatever it holds.
    const swap = await sdk.swap({
      tokenMintX: wsol, tokenMintY: classic.mintY, amount: 10n ** 9n, otherAmountOffset: 0n, swapForY: true, isExactInput: true, pair: pool.pair, hook: sdk.hooksConfig, payer,
    });
    expect(transfers(swap)).toEqual([10n ** 9n]);
    const add = new Transaction();
    const mint = Keypair.generate().publicKey;
    await sdk.addLiquidityIntoPosition({
      positionMint: mint, payer, pair: pool.pair, transaction: add, liquidityDistribution: [{ relativeBinId: 0, distributionX: 10_000, distributionY: 10_000 }],
      amountX: 2e9, amountY: 0, binArrayLower: PublicKey.default, binArrayUpper: PublicKey.default,
    });
    expect(transfers(add)).toEqual([2n * 10n ** 9n]);
    // Vigil's legs (src/venues/saros/executor.ts) carry no such transfer: the live re-center of a wSOL pair in
    // saros.process.test.ts checks every transaction it sent has no top-level System program instruction.
  });

  it('getQuote throws for classic SPL mints; Vigil quotes from the bins, and the program pays exactly that', async () => {
    await expect(sdk.getQuote({
      pair: classic.pair, tokenBase: classic.mintX, tokenQuote: classic.mintY, amount: 10n ** 9n, swapForY: true, isExactInput: true,
      tokenBaseDecimal: 9, tokenQuoteDecimal: 6, slippage: 0.5,
    })).rejects.toThrow(/TokenInvalidAccountOwner/);
    const reader = new SarosReader(chain.connection, sdk.lbProgram.coder, sdk.lbProgram.programId);
    const [loaded] = await reader.read([chain.payer.publicKey.toBase58()]);
    const q = quoteExactIn({
      bins: (id) => loaded!.bins.get(id), activeId: loaded!.pair.activeId, binStep: 20, swapForY: true, amountIn: 10n ** 9n,
      fees: { params: loaded!.pair.staticFee, state: loaded!.pair.dynamicFee, nowSeconds: Number((await chain.context.banksClient.getClock()).unixTimestamp) },
    });
    const y0 = await chain.tokenBalance(chain.payer.publicKey, classic.mintY);
    const tx = await sdk.swap({
      tokenMintX: classic.mintX, tokenMintY: classic.mintY, amount: 10n ** 9n, otherAmountOffset: q.amountOut, swapForY: true, isExactInput: true,
      pair: classic.pair, hook: sdk.hooksConfig, payer: chain.payer.publicKey,
    });
    await chain.send(tx, [], 400_000);
    expect(await chain.tokenBalance(chain.payer.publicKey, classic.mintY) - y0).toBe(q.amountOut);
    // One unit more than the quote as the minimum is refused by the program with its own error.
    const again = await sdk.swap({
      tokenMintX: classic.mintX, tokenMintY: classic.mintY, amount: 10n ** 9n, otherAmountOffset: 10n ** 12n, swapForY: true, isExactInput: true,
      pair: classic.pair, hook: sdk.hooksConfig, payer: chain.payer.publicKey,
    });
    await expect(chain.send(again, [], 400_000)).rejects.toThrow(/"Custom":6004/);
  });

  it('fetchPoolMetadata swaps the two decimals; Vigil reads them from the mints', async () => {
    const meta = await sdk.fetchPoolMetadata(classic.pair.toBase58());
    expect([meta.extra.tokenBaseDecimal, meta.extra.tokenQuoteDecimal]).toEqual([6, 9]);
    const reader = new SarosReader(chain.connection, sdk.lbProgram.coder, sdk.lbProgram.programId);
    const [loaded] = await reader.read([chain.payer.publicKey.toBase58()]);
    expect([loaded!.decimalsX, loaded!.decimalsY]).toEqual([9, 6]);
  });

  it('removeMultipleLiquidity throws on a pair without a hook; decrease_position from the IDL removes it', async () => {
    const pos = await sdk.getPositionAccount(position.position) as { liquidityShares: BN[]; lowerBinId: number; upperBinId: number };
    await expect(sdk.removeMultipleLiquidity({
      maxPositionList: [{
        position: position.position.toBase58(), start: pos.lowerBinId, end: pos.upperBinId, positionMint: position.positionMint.toBase58(),
        lowerBinId: pos.lowerBinId, upperBinId: pos.upperBinId, bins: [],
      }],
      payer: chain.payer.publicKey, type: 'removeBoth', pair: classic.pair, tokenMintX: classic.mintX, tokenMintY: classic.mintY, activeId: classic.activeId,
    })).rejects.toThrow(/_bn/);
    // Vigil's path (test/venues/saros/recenter.test.ts executes it end to end): the venue plans a removal of it all.
    const symbols: Record<string, string> = { [classic.mintX.toBase58()]: 'SOL', [classic.mintY.toBase58()]: 'USDC' };
    const venue = new SarosVenue({
      rpcUrl: chain.rpc.url, owners: [chain.payer.publicKey.toBase58()], symbolOf: (m) => symbols[m],
      prices: (xs) => Promise.resolve(Object.fromEntries(xs.map((x) => [x, x === 'SOL' ? 150 : 1]))), clock: new ManualClock(Date.now()), logger: captureLogger().logger,
    });
    const plan = await venue.previewRecenter(`saros:${position.position.toBase58()}`, { shape: 'spot' });
    expect(plan.steps[0]?.kind).toBe('remove');
    // This wallet is the pool's only LP: once its liquidity is out there is nothing to swap against, and the plan
    // says so instead of quoting a swap the program would refuse.
    expect(plan.steps.map((s) => s.kind)).toEqual(['remove', 'add']);
    expect(plan.notes.join(' ')).toContain('No liquidity to swap against near the active bin');
  });

  it('createPosition on a pair without a hook appends a rewarder instruction that fails; create_position from the IDL works', async () => {
    const mint = Keypair.generate();
    const tx = new Transaction();
    await sdk.createPosition({
      payer: chain.payer.publicKey, relativeBinIdLeft: -3, relativeBinIdRight: 3, pair: classic.pair,
      binArrayIndex: Math.floor(classic.activeId / 256), positionMint: mint.publicKey, transaction: tx,
    });
    expect(tx.instructions.map((ix) => ix.programId.toBase58())).toContain('mdmavMvJpF4ZcLJNg6VSjuKVMiBo5uKwERTg1ZB9yUH');
    await expect(chain.send(tx, [mint])).rejects.toThrow(/"Custom":3012/);
    // The same position from the program's IDL alone (what test/fakes/saros-pools.ts and the re-center use).
    const opened = await openPosition(chain, sdk, classic, { left: -3, right: 3, amountX: 10n ** 9n, amountY: 150n * 10n ** 6n });
    expect(opened.position).toBeInstanceOf(PublicKey);
    expect(new BN(opened.unitsConsumed.create).toNumber()).toBeGreaterThan(0);
  });
});
