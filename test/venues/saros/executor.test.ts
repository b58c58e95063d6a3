/**
 * The Saros executor against the real program (offline bankrun behind the fake RPC): a re-center plan's legs are sent
 * one transaction each, the chain ends where the plan said, and a leg that fails stops the rest with the program's
 * error name. Classic SPL mints (as mainnet SOL/USDC), so the Token-program paths are the ones exercised.
 */
import type { LiquidityBookServices } from '@saros-finance/dlmm-sdk';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { liquidityDraft } from '../../../src/app/actions/liquidity.ts';
import type { ActionPlan, LpLegDetail } from '../../../src/domain/index.ts';
import type { BroadcastHooks, LiquidityPreview } from '../../../src/ports/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { decodePosition, sarosServices } from '../../../src/venues/saros/accounts.ts';
import { SarosExecutor } from '../../../src/venues/saros/executor.ts';
import { SarosVenue } from '../../../src/venues/saros/venue.ts';
import { startSarosChain, type SarosChain } from '../../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig, type Pool } from '../../fakes/saros-pools.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { describeShared, HAVE_SHARED } from '../../helpers/shared-dir.ts';

let chain: SarosChain;
let sdk: LiquidityBookServices;
let pool: Pool;
let venue: SarosVenue;
let executor: SarosExecutor;
let clock: ManualClock;
const SOL = 10n ** 9n;
const USDC = 10n ** 6n;

beforeAll(async () => {
  if (!HAVE_SHARED) return;
  chain = await startSarosChain();
  sdk = sarosServices(chain.rpc.url);
  await writeConfig(chain, sdk);
  pool = await createPool(chain, sdk, { decimalsX: 9, decimalsY: 6, binStep: 20, price: 150, classicX: true, classicY: true });
  await chain.setTokenBalance(chain.payer.publicKey, pool.mintX, 1_000n * SOL);
  await chain.setTokenBalance(chain.payer.publicKey, pool.mintY, 200_000n * USDC);
  // Depth around the price for the swaps to trade against.
  await openPosition(chain, sdk, pool, { left: -20, right: 20, amountX: 200n * SOL, amountY: 30_000n * USDC });
  const symbols: Record<string, string> = { [pool.mintX.toBase58()]: 'SOL', [pool.mintY.toBase58()]: 'USDC' };
  clock = new ManualClock(Date.UTC(2026, 11, 7));
  venue = new SarosVenue({
    rpcUrl: chain.rpc.url, owners: [chain.payer.publicKey.toBase58()], symbolOf: (m) => symbols[m],
    prices: (xs) => Promise.resolve(Object.fromEntries(xs.map((x) => [x, x === 'SOL' ? 150 : 1]))), clock, logger: captureLogger().logger,
  });
  executor = new SarosExecutor({ venue, signer: chain.payer, logger: captureLogger().logger });
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

/** A plan as the gate stores it, from a fresh preview of `positionId`. */
async function planFor(positionId: string, o: { width: number; slippageBps?: number }): Promise<ActionPlan> {
  // Planned at the bank's time: the dynamic fee decays from the pair's last swap.
  clock.set(Number((await chain.context.banksClient.getClock()).unixTimestamp) * 1000);
  const preview = await venue.previewRecenter(positionId, { width: o.width, shape: 'spot', ...(o.slippageBps === undefined ? {} : { slippageBps: o.slippageBps }) });
  const draft = liquidityDraft(preview, { kind: 'recenter', args: { positionId, width: o.width, shape: 'spot' } });
  return {
    ...draft, id: 'p1', createdAt: 0, expiresAt: 1, planHash: 'h', mode: 'live', requestedBy: 'test:1', requestedByName: 't', chat: { platform: 'console', chatId: 'c' },
  };
}

function recorder(): BroadcastHooks & { stored: string[] } {
  const stored: string[] = [];
  return { stored, beforeBroadcast: (sigs) => Promise.resolve(void stored.push(...sigs)) };
}

const lpOf = (plan: ActionPlan, step: LpLegDetail['step']): LpLegDetail => {
  const l = plan.legs.find((x) => x.lp?.step === step)?.lp;
  if (!l) throw new Error(`no ${step} leg`);
  return l;
};

/** A plan as the gate stores it, from any preview. */
function planOf(preview: LiquidityPreview, args: Readonly<Record<string, string | number | null>>): ActionPlan {
  const draft = liquidityDraft(preview, { kind: preview.kind, args });
  return {
    ...draft, id: 'p2', createdAt: 0, expiresAt: 1, planHash: 'h', mode: 'live', requestedBy: 'test:1', requestedByName: 't', chat: { platform: 'console', chatId: 'c' },
  };
}

async function syncClock(): Promise<void> {
  clock.set(Number((await chain.context.banksClient.getClock()).unixTimestamp) * 1000);
}

async function balances(): Promise<{ x: bigint; y: bigint }> {
  return { x: await chain.tokenBalance(chain.payer.publicKey, pool.mintX), y: await chain.tokenBalance(chain.payer.publicKey, pool.mintY) };
}

describeShared('Saros executor on the real program', () => {
  it('re-centers: remove (close) → swap → add, one transaction per leg, balances and the new range as planned', async () => {
    const narrow = await openPosition(chain, sdk, pool, { left: 4, right: 10, amountX: 3n * SOL, amountY: 0n });
    const id = `saros:${narrow.position.toBase58()}`;
    const plan = await planFor(id, { width: 9 });
    expect(plan.legs.map((l) => l.lp?.step)).toEqual(['remove', 'swap', 'add']);
    const sim = await executor.simulate(plan);
    expect(sim.error).toBeUndefined();
    expect(sim).toMatchObject({ ok: true, authoritative: true });
    expect(chain.rpc.transactions('simulate').at(-1)?.programIds).toContain(sdk.lbProgram.programId.toBase58());

    const sendsBefore = chain.rpc.transactions('send').length;
    const b0 = await balances();
    const hooks = recorder();
    const r = await executor.execute(plan, hooks);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.signatures).toHaveLength(3);
    expect(hooks.stored).toEqual(r.signatures);
    expect(chain.rpc.transactions('send').length - sendsBefore).toBe(3);
    expect(r.fills.map((f) => f.leg.lp?.step)).toEqual(['remove', 'swap', 'add']);

    const remove = lpOf(plan, 'remove');
    const swap = lpOf(plan, 'swap');
    const add = lpOf(plan, 'add');
    if (remove.step !== 'remove' || swap.step !== 'swap' || add.step !== 'add') throw new Error('steps');
    // The old position is closed; the wallet paid exactly remove − swap-in − add on X, and on Y at least the plan's
    // minimum (the swap paid its quote, the add took the minimum: the difference stays in the wallet).
    expect(await chain.connection.getAccountInfo(narrow.position)).toBeNull();
    const b1 = await balances();
    const dust = 20n; // the SDK's basis-point distribution leaves a few base units unspent
    expect(b1.x - b0.x - (remove.base.raw - swap.amountIn.raw - add.base.raw)).toBeGreaterThanOrEqual(0n);
    expect(b1.x - b0.x - (remove.base.raw - swap.amountIn.raw - add.base.raw)).toBeLessThan(dust);
    expect(b1.y - b0.y).toBeGreaterThanOrEqual(remove.quote.raw + swap.minOut.raw - add.quote.raw);
    expect(b1.y - b0.y - (remove.quote.raw + swap.expectedOut.raw - add.quote.raw)).toBeLessThan(dust);

    // The new position: the wallet's, over the planned bins around the active one.
    const positions = await venue.snapshot();
    const fresh = positions.positions.filter((p) => p.kind === 'lp' && p.id !== id && p.lowerBinId === add.lowerBinId);
    expect(fresh).toHaveLength(1);
    const p = fresh[0];
    if (p?.kind !== 'lp') throw new Error('no new LP');
    expect([p.lowerBinId, p.upperBinId]).toEqual([add.lowerBinId, add.upperBinId]);
    expect(p.upperBinId - p.lowerBinId + 1).toBe(9);
    expect(p.inRange).toBe(true);
    // Depositing into the active bin buys shares of its current mix, so the split can differ; the value cannot.
    const addedUsd = Number(add.base.raw) / 1e9 * p.markPrice + Number(add.quote.raw) / 1e6;
    expect(Math.abs(Number(p.valueUsd) / 1e6 - addedUsd) / addedUsd).toBeLessThan(1e-3);
  });

  it('a swap bound the pool no longer meets: the remove landed, the swap fails with the program error name, the add is never sent', async () => {
    const narrow = await openPosition(chain, sdk, pool, { left: 5, right: 9, amountX: 2n * SOL, amountY: 0n });
    const id = `saros:${narrow.position.toBase58()}`;
    // No slippage allowed; then someone sells SOL into the pool first: our SOL fetches less than quoted.
    const plan = await planFor(id, { width: 7, slippageBps: 0 });
    const front = await sdk.swap({
      tokenMintX: pool.mintX, tokenMintY: pool.mintY, amount: 5n * SOL, otherAmountOffset: 0n, swapForY: true, isExactInput: true,
      pair: pool.pair, hook: sdk.hooksConfig, payer: chain.payer.publicKey,
    });
    await chain.send(front, [], 400_000);
    const sendsBefore = chain.rpc.transactions('send').length;
    const r = await executor.execute(plan, recorder());
    expect(r.ok).toBe(false);
    expect(r.signatures).toHaveLength(2);
    expect(chain.rpc.transactions('send').length - sendsBefore).toBe(2);
    expect(r.error).toMatch(/^leg 2 of 3 \(swap\) failed: InvalidAmountOut: Invalid amount out; /);
    expect(r.error).toMatch(/landed: 1 remove \(the removed tokens are in the wallet; \/recenter or \/lp to decide\)$/);
    expect(r.fills.map((f) => f.leg.lp?.step)).toEqual(['remove']);
    // The liquidity came out (position closed); nothing was added.
    expect(await chain.connection.getAccountInfo(narrow.position)).toBeNull();
  });

  it('withdraw 40%: decrease_position pays exactly the planned amounts and the position keeps the rest', async () => {
    const pos = await openPosition(chain, sdk, pool, { left: -3, right: 3, amountX: 2n * SOL, amountY: 300n * USDC });
    const id = `saros:${pos.position.toBase58()}`;
    await syncClock();
    const preview = await venue.previewWithdraw(id, { fractionBps: 4_000 });
    const plan = planOf(preview, { positionId: id, fractionBps: 4_000 });
    expect(plan.title).toBe('Withdraw 40% of SOL/USDC LP');
    const remove = lpOf(plan, 'remove');
    if (remove.step !== 'remove') throw new Error('step');
    expect((await executor.simulate(plan)).ok).toBe(true);
    const b0 = await balances();
    const r = await executor.execute(plan, recorder());
    expect(r.error).toBeUndefined();
    const b1 = await balances();
    expect([b1.x - b0.x, b1.y - b0.y]).toEqual([remove.base.raw, remove.quote.raw]);
    // 40% of what it held, to the rounding of each bin's share (down, as the program rounds).
    expect(Number(remove.base.raw) / Number(preview.before!.base.raw)).toBeCloseTo(0.4, 6);
    const left = (await venue.snapshot()).positions.find((p) => p.id === id);
    if (left?.kind !== 'lp') throw new Error('the position should stay open');
    // What stays is what the plan said, to a base unit per bin (the remaining shares redeem against reserves the
    // withdrawal rounded).
    const bins = BigInt(pos.upperBinId - pos.lowerBinId + 1);
    expect(left.baseAmount.raw - preview.after!.base.raw).toBeGreaterThanOrEqual(-bins);
    expect(left.baseAmount.raw - preview.after!.base.raw).toBeLessThanOrEqual(bins);
    expect(left.quoteAmount.raw - preview.after!.quote.raw).toBeGreaterThanOrEqual(-bins);
    expect(left.quoteAmount.raw - preview.after!.quote.raw).toBeLessThanOrEqual(bins);
  });

  it('deposit and swap by pool name: a new position with the amounts given; a swap paying its exact quote', async () => {
    await syncClock();
    const dep = await venue.previewDeposit('sol/usdc', { base: '0.5', quote: '75', width: 5, shape: 'curve' });
    const depPlan = planOf(dep, { pool: 'sol/usdc', base: '0.5', quote: '75', width: 5, shape: 'curve' });
    expect(depPlan.title).toBe('Deposit into SOL/USDC: 5 bins, curve');
    const b0 = await balances();
    const before = new Set((await venue.snapshot()).positions.map((p) => p.id));
    const r = await executor.execute(depPlan, recorder());
    expect(r.error).toBeUndefined();
    const made = (await venue.snapshot()).positions.filter((p) => !before.has(p.id));
    expect(made).toHaveLength(1);
    const b1 = await balances();
    expect(b0.x - b1.x).toBeLessThanOrEqual(SOL / 2n);
    expect(SOL / 2n - (b0.x - b1.x)).toBeLessThan(20n);
    expect(75n * USDC - (b0.y - b1.y)).toBeLessThan(20n);

    await syncClock();
    const sw = await venue.previewSwap('SOL/USDC', { sell: 'usdc', amount: '30' });
    const swPlan = planOf(sw, { pool: 'SOL/USDC', sell: 'usdc', amount: '30' });
    const swap = lpOf(swPlan, 'swap');
    if (swap.step !== 'swap') throw new Error('step');
    expect(swPlan.title).toBe('Swap 30 USDC → SOL on SOL/USDC');
    const r2 = await executor.execute(swPlan, recorder());
    expect(r2.error).toBeUndefined();
    const b2 = await balances();
    expect(b1.y - b2.y).toBe(30n * USDC);
    expect(b2.x - b1.x).toBe(swap.expectedOut.raw);
    await expect(venue.previewSwap('SOL/USDC', { sell: 'BONK', amount: '1' })).rejects.toThrow('BONK is not a token of SOL/USDC');
    await expect(venue.previewDeposit('SOL/USDC', { base: '0.0000000001', quote: '1', width: 5, shape: 'spot' })).rejects.toThrow('0.0000000001 is not an amount of SOL (at most 9 decimals)');
    await expect(venue.previewDeposit('SOL/USDC', { base: '-1', quote: '1', width: 5, shape: 'spot' })).rejects.toThrow('-1 is not an amount of SOL');
    await expect(venue.previewDeposit('SOL/USDC', { base: '0', quote: '0', width: 5, shape: 'spot' })).rejects.toThrow('give an amount of at least one of the two tokens');
    await expect(venue.previewDeposit('JUP/USDC', { base: '1', quote: '1', width: 5, shape: 'spot' })).rejects.toThrow(/no JUP\/USDC pool among your Saros positions/);
  });

  it('refuses to send without the LP wallet’s key, or with another key, before anything is stored', async () => {
    const narrow = await openPosition(chain, sdk, pool, { left: 3, right: 6, amountX: SOL, amountY: 0n });
    const plan = await planFor(`saros:${narrow.position.toBase58()}`, { width: 5 });
    const watchOnly = new SarosExecutor({ venue, signer: null, logger: captureLogger().logger });
    const other = new SarosExecutor({ venue, signer: Keypair.generate(), logger: captureLogger().logger });
    const hooks = recorder();
    await expect(watchOnly.execute(plan, hooks)).rejects.toThrow(/SAROS_KEYPAIR/);
    await expect(other.execute(plan, hooks)).rejects.toThrow(/belongs to .* not to the SAROS_KEYPAIR wallet/);
    expect(hooks.stored).toEqual([]);
    // Watch-only still simulates (no signature needed).
    expect((await watchOnly.simulate(plan)).ok).toBe(true);
    const info = await chain.connection.getAccountInfo(narrow.position);
    expect(info && decodePosition(sdk.lbProgram.coder, narrow.position.toBase58(), info.data).lowerBinId).toBe(narrow.lowerBinId);
  });
});

