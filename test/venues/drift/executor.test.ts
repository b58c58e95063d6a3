/**
 * DriftExecutor over the fake RPC serving Drift's mainnet fixture swift_failure (BTC-PERP market 1 long 0.3, JUP-PERP
 * 24; the account is in high leverage mode), with the real DriftClient in polling mode. The signer is a fresh key made
 * the sub-account's delegate (the fixture's User account is patched; the authority stays the fixture's), so the
 * transactions are the ones a delegate would send. The error decoder is also tested on its own (no shared data).
 */
import type { BorshInstructionCoder } from '@coral-xyz/anchor';
import { Keypair, PublicKey } from '@solana/web3.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import driftIdl from '@drift-labs/sdk/lib/node/idl/drift.json' with { type: 'json' };
import { DRIFT_PROGRAM_ID, type BN } from '@drift-labs/sdk';
import type { ActionPlan, PlanLeg } from '../../../src/domain/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { VenueError } from '../../../src/shared/errors.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { decodeSendFailure, decodeTransactionError, reasonLine, type IdlErrorEntry } from '../../../src/venues/solana/errors.ts';
import { DEFAULT_TAKER_FEE_BPS, DriftExecutor, IMPACT_BPS_PER_MILLION, signerRole } from '../../../src/venues/drift/executor.ts';
import { DriftVenue } from '../../../src/venues/drift/venue.ts';
import { zeroOf } from '../../fakes/drift-accounts.ts';
import { COMPUTE_BUDGET_PROGRAM_ID, FakeSolanaRpc, type TransactionRecord } from '../../fakes/solana-rpc.ts';
import { describeShared } from '../../helpers/shared-dir.ts';
import { loadFixtureSet, serveFixtureSet, withDelegate } from './fixtures.ts';

const IDL_ERRORS = driftIdl.errors as readonly IdlErrorEntry[];
const codeOf = (name: string): number => {
  const e = IDL_ERRORS.find((x) => x.name === name);
  if (!e) throw new Error(`no Drift error ${name}`);
  return e.code;
};
const INSUFFICIENT_COLLATERAL = codeOf('InsufficientCollateral');
const T0 = Date.UTC(2026, 11, 7);
/** BTC oracle in the fixture, USD (PRICE 1e6: 104966773750). */
const BTC_PRICE = 104_966.77375;



function leg(market: string, asset: string, side: 'buy' | 'sell', raw: bigint, refPrice: number, over: Partial<PlanLeg> = {}): PlanLeg {
  const notional = (Number(raw) / 1e9) * refPrice;
  return {
    venue: 'drift', market, kind: 'perp', asset, side, size: { raw, decimals: 9 }, refPrice,
    limitPrice: side === 'buy' ? refPrice * 1.01 : refPrice * 0.99, notionalUsd: BigInt(Math.round(notional * 1e6)),
    estFeeUsd: 0n, estSlippageUsd: 0n, reduceOnly: false, ...over,
  };
}

function planOf(legs: readonly PlanLeg[], id = 'plan-1'): ActionPlan {
  return {
    id, kind: 'protect', title: 'test', request: { kind: 'protect', args: {} }, legs, before: {}, after: {}, notes: [],
    estimatedFeesUsd: 0n, estimatedSlippageUsd: 0n, notionalUsd: legs.reduce((s, l) => s + l.notionalUsd, 0n),
    requestedBy: 'console:u1', requestedByName: 'Tess', chat: { platform: 'console', chatId: 't' },
    createdAt: T0, expiresAt: T0 + 60_000, planHash: 'h', mode: 'live',
  };
}

/** Sell 0.1 BTC reduce-only (the account is long 0.3). */
const sellTenthBtc = (): ActionPlan => planOf([leg('BTC-PERP', 'BTC', 'sell', 100_000_000n, BTC_PRICE, { reduceOnly: true })]);

const noHook = { beforeBroadcast: () => Promise.resolve() };

let rpc: FakeSolanaRpc;
let venue: DriftVenue | undefined;
beforeEach(async () => {
  rpc = new FakeSolanaRpc();
  await rpc.start();
});
afterEach(async () => {
  await venue?.close(2_000);
  venue = undefined;
  await rpc.stop();
});

interface World {
  readonly venue: DriftVenue;
  readonly executor: DriftExecutor;
  readonly signer: Keypair;
  readonly authority: PublicKey;
}

async function connect(opts: { watchOnly?: boolean; state?: Record<string, unknown>; confirmTimeoutMs?: number } = {}): Promise<World> {
  const signer = Keypair.generate();
  const { authority } = await serveFixtureSet(rpc, withDelegate(loadFixtureSet('swift_failure'), signer.publicKey), opts.state);
  venue = await DriftVenue.connect({
    rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription: 'polling',
    clock: new ManualClock(T0), logger: silentLogger(),
  });
  const executor = new DriftExecutor({
    venue, signer: opts.watchOnly ? null : signer, authority: new PublicKey(authority), subAccountId: 0, logger: silentLogger(),
    ...(opts.confirmTimeoutMs ? { confirmTimeoutMs: opts.confirmTimeoutMs } : {}),
  });
  return { venue, executor, signer, authority: new PublicKey(authority) };
}

interface DecodedOrder {
  marketIndex: number;
  direction: Record<string, unknown>;
  baseAssetAmount: BN;
  price: BN;
  reduceOnly: boolean;
  orderType: Record<string, unknown>;
  marketType: Record<string, unknown>;
}

/** The placePerpOrder params of every Drift instruction of a recorded transaction, decoded with the SDK's coder. */
function placedOrders(v: DriftVenue, rec: TransactionRecord): DecodedOrder[] {
  return rec.transaction.message.compiledInstructions.flatMap((ix) => {
    if (rec.accountKeys[ix.programIdIndex] !== DRIFT_PROGRAM_ID) return [];
    // Anchor's InstructionCoder interface omits decode; the program's coder is the Borsh one, which has it.
    const decoded = (v.client.program.coder.instruction as BorshInstructionCoder).decode(Buffer.from(ix.data));
    if (decoded?.name !== 'placePerpOrder') throw new Error(`unexpected Drift instruction ${decoded?.name ?? '?'}`);
    return [(decoded.data as { params: DecodedOrder }).params];
  });
}

/** The account keys of the Drift instruction `n` of a recorded transaction, in order (state, user, authority, …). */
function driftAccounts(rec: TransactionRecord, n = 0): string[] {
  const ix = rec.transaction.message.compiledInstructions.filter((i) => rec.accountKeys[i.programIdIndex] === DRIFT_PROGRAM_ID)[n];
  return ix ? ix.accountKeyIndexes.map((k) => rec.accountKeys[k] ?? '?') : [];
}

describeShared('DriftExecutor on the swift_failure account', () => {
  it('lists every subscribed perp market with the account step and minimum sizes, fees, impact and margin ratios', async () => {
    const { executor, venue: v } = await connect();
    const markets = executor.markets();
    expect(markets.map((m) => m.market)).toEqual(['BTC-PERP', 'JUP-PERP']);
    for (const m of markets) {
      const account = v.client.getPerpMarketAccounts().find((a) => a.marketIndex === (m.market === 'BTC-PERP' ? 1 : 24))!;
      expect(m).toMatchObject({
        venue: 'drift', kind: 'perp', baseDecimals: 9, contractSize: 1, impactBpsPerMillion: IMPACT_BPS_PER_MILLION,
        stepRaw: BigInt(account.amm.orderStepSize.toString()), minSizeRaw: BigInt(account.amm.minOrderSize.toString()),
        marginRatios: { initial: account.marginRatioInitial / 1e4, maintenance: account.marginRatioMaintenance / 1e4 },
      });
      // The synthetic State has no fee tiers: the default, with the market's adjustment, doubled in high leverage mode.
      expect(m.takerFeeBps).toBeCloseTo(DEFAULT_TAKER_FEE_BPS * (1 + account.feeAdjustment / 100) * 2, 9);
    }
    const btc = markets[0]!;
    expect(btc.asset).toBe('BTC');
    expect(btc.stepRaw).toBeGreaterThan(0n);
    expect(100_000_000n % btc.stepRaw).toBe(0n);
    expect(markets[1]!.asset).toBe('JUP');
  });

  it('reads the taker fee from the State fee tier 0 when there is one', async () => {
    const fees = zeroOf({ defined: 'FeeStructure' }) as { feeTiers: Record<string, number>[] };
    fees.feeTiers[0] = { ...fees.feeTiers[0], feeNumerator: 35, feeDenominator: 100_000 };
    const { executor, venue: v } = await connect({ state: { perpFeeStructure: fees } });
    const btc = executor.markets().find((m) => m.market === 'BTC-PERP')!;
    const adj = v.client.getPerpMarketAccount(1)!.feeAdjustment;
    expect(btc.takerFeeBps).toBeCloseTo(3.5 * (1 + adj / 100) * 2, 9);
  });

  it('simulates a 0.1 BTC reduce-only sell as one transaction: compute budget + placePerpOrder(market 1, short, 1e8, RO)', async () => {
    const { executor, venue: v, signer, authority } = await connect();
    const result = await executor.simulate(sellTenthBtc());
    expect(result).toMatchObject({ ok: true, authoritative: true });
    const sims = rpc.transactions('simulate');
    expect(sims).toHaveLength(1);
    const rec = sims[0]!;
    expect(rec.programIds).toContain(DRIFT_PROGRAM_ID);
    expect(rec.programIds).toContain(COMPUTE_BUDGET_PROGRAM_ID);
    expect(rec.programIds.slice(0, 2)).toEqual([COMPUTE_BUDGET_PROGRAM_ID, COMPUTE_BUDGET_PROGRAM_ID]);
    expect(rec.config).toMatchObject({ sigVerify: false, replaceRecentBlockhash: true });
    const orders = placedOrders(v, rec);
    expect(orders).toHaveLength(1);
    const o = orders[0]!;
    expect(o.marketIndex).toBe(1);
    expect(Object.keys(o.direction)).toEqual(['short']);
    expect(o.baseAssetAmount.toString()).toBe('100000000');
    expect(o.reduceOnly).toBe(true);
    expect(Object.keys(o.orderType)).toEqual(['market']);
    expect(Object.keys(o.marketType)).toEqual(['perp']);
    // The worst price: 99% of the reference, rounded up (a sell's floor never loosens) to the market's tick.
    const tick = BigInt(v.client.getPerpMarketAccount(1)!.amm.orderTickSize.toString());
    const price = BigInt(o.price.toString());
    expect(price % tick).toBe(0n);
    expect(price).toBeGreaterThanOrEqual(BigInt(Math.ceil(BTC_PRICE * 0.99 * 1e6)));
    expect(price - BigInt(Math.ceil(BTC_PRICE * 0.99 * 1e6))).toBeLessThan(tick);
    // The watched sub-account, the delegate signing and paying.
    const user = v.users[0]!;
    expect(driftAccounts(rec).slice(1, 3)).toEqual([user.userAccountPublicKey.toBase58(), signer.publicKey.toBase58()]);
    expect(rec.accountKeys[0]).toBe(signer.publicKey.toBase58());
    expect(user.getUserAccount().authority.equals(authority)).toBe(true);
    expect(user.getUserAccount().delegate.equals(signer.publicKey)).toBe(true);
    // Estimated fill: the whole size at the reference price, the taker fee on it.
    const fill = result.fills[0]!;
    expect(fill.filledRaw).toBe(100_000_000n);
    expect(fill.avgPrice).toBe(BTC_PRICE);
    const fee = executor.markets()[0]!.takerFeeBps;
    expect(fill.feeUsd).toBe((10_496_677_375n * BigInt(Math.round(fee * 100))) / 1_000_000n);
  });

  it('watch-only simulates with the owner as authority and fee payer', async () => {
    const { executor, venue: v, authority } = await connect({ watchOnly: true });
    expect((await executor.simulate(sellTenthBtc())).ok).toBe(true);
    const rec = rpc.transactions('simulate')[0]!;
    expect(rec.accountKeys[0]).toBe(authority.toBase58());
    expect(driftAccounts(rec).slice(1, 3)).toEqual([v.users[0]!.userAccountPublicKey.toBase58(), authority.toBase58()]);
  });

  it('puts every leg of a plan in the one transaction, each order seeing every market of the plan', async () => {
    const { executor, venue: v } = await connect();
    const plan = planOf([
      leg('BTC-PERP', 'BTC', 'sell', 100_000_000n, BTC_PRICE, { reduceOnly: true }),
      leg('JUP-PERP', 'JUP', 'buy', BigInt(v.client.getPerpMarketAccount(24)!.amm.minOrderSize.toString()), 0.5),
    ]);
    const result = await executor.simulate(plan);
    expect(result.ok).toBe(true);
    expect(result.fills).toHaveLength(2);
    // JUP-PERP's taker fee (BTC-PERP's market adjustment of -100% makes it free): on 5 JUP × $0.5 = $2.50.
    const jupFee = executor.markets().find((m) => m.market === 'JUP-PERP')!.takerFeeBps;
    expect(jupFee).toBeGreaterThan(0);
    expect(result.fills[1]!.feeUsd).toBe((BigInt(Math.round((Number(plan.legs[1]!.size.raw) / 1e9) * 0.5 * 1e6)) * BigInt(Math.round(jupFee * 100))) / 1_000_000n);
    expect(result.fills[1]!.feeUsd).toBeGreaterThan(0n);
    const rec = rpc.transactions('simulate')[0]!;
    const orders = placedOrders(v, rec);
    expect(orders.map((o) => [o.marketIndex, Object.keys(o.direction)[0]])).toEqual([[1, 'short'], [24, 'long']]);
    const btcMarket = v.client.getPerpMarketAccount(1)!.pubkey.toBase58();
    const jupMarket = v.client.getPerpMarketAccount(24)!.pubkey.toBase58();
    for (const n of [0, 1]) expect(driftAccounts(rec, n)).toEqual(expect.arrayContaining([btcMarket, jupMarket]));
  });

  it('reports a program error by its Drift name, message and the program log reason', async () => {
    const { executor } = await connect();
    rpc.scriptSimulation({
      err: { InstructionError: [2, { Custom: INSUFFICIENT_COLLATERAL }] },
      logs: [
        `Program ${DRIFT_PROGRAM_ID} invoke [1]`,
        'Program log: Instruction: PlacePerpOrder',
        'Program log: Error InsufficientCollateral thrown at programs/drift/src/controller/orders.rs:3400',
        'Program log: User attempting to place order with insufficient collateral (margin requirement 2186678676 > total collateral 2199358529)',
        `Program log: AnchorError occurred. Error Code: InsufficientCollateral. Error Number: ${INSUFFICIENT_COLLATERAL}. Error Message: Insufficient collateral.`,
        `Program ${DRIFT_PROGRAM_ID} failed: custom program error: 0x${INSUFFICIENT_COLLATERAL.toString(16)}`,
      ],
    });
    const result = await executor.simulate(sellTenthBtc());
    expect(result.ok).toBe(false);
    expect(result.fills).toEqual([]);
    expect(result.error).toBe('InsufficientCollateral: Insufficient collateral — User attempting to place order with insufficient collateral (margin requirement 2186678676 > total collateral 2199358529)');
  });

  it('refuses a leg on a market it does not subscribe, without sending anything', async () => {
    const { executor } = await connect();
    const result = await executor.simulate(planOf([leg('SOL-PERP', 'SOL', 'buy', 1_000_000_000n, 150)]));
    expect(result).toMatchObject({ ok: false });
    expect(result.error).toContain('SOL-PERP');
    expect(rpc.transactions()).toHaveLength(0);
  });

  it('executes: the signature goes to beforeBroadcast before any send, one send, confirmed afterwards', async () => {
    const { executor, venue: v } = await connect();
    const seen: string[] = [];
    const hook = vi.fn((sigs: readonly string[]) => {
      expect(rpc.calls('sendTransaction')).toHaveLength(0);
      seen.push(...sigs);
      return Promise.resolve();
    });
    const result = await executor.execute(sellTenthBtc(), { beforeBroadcast: hook });
    expect(hook).toHaveBeenCalledTimes(1);
    expect(result.ok).toBe(true);
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    const sent = rpc.transactions('send');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.rejected).toBeUndefined();
    expect(seen).toEqual([sent[0]!.signature]);
    expect(result.signatures).toEqual([sent[0]!.signature]);
    expect(sent[0]!.config).not.toHaveProperty('skipPreflight');
    const orders = placedOrders(v, sent[0]!);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.baseAssetAmount.toString()).toBe('100000000');
    expect(result.fills.map((f) => [f.filledRaw, f.avgPrice])).toEqual([[100_000_000n, BTC_PRICE]]);
    expect(await executor.signatureStatus(result.signatures)).toEqual(['confirmed']);
  });

  it('sends nothing when beforeBroadcast throws', async () => {
    const { executor } = await connect();
    await expect(executor.execute(sellTenthBtc(), { beforeBroadcast: () => Promise.reject(new Error('plan is no longer executing')) }))
      .rejects.toThrow('plan is no longer executing');
    expect(rpc.calls('sendTransaction')).toHaveLength(0);
  });

  it('watch-only refuses to execute with a VenueError, before the hook and without sending', async () => {
    const { executor } = await connect({ watchOnly: true });
    const hook = vi.fn(() => Promise.resolve());
    const err = await executor.execute(sellTenthBtc(), { beforeBroadcast: hook }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).message).toMatch(/watch-only/);
    expect(hook).not.toHaveBeenCalled();
    expect(rpc.calls('sendTransaction')).toHaveLength(0);
  });

  it('refuses a key that is neither the owner nor the delegate, without sending', async () => {
    const { venue: v, authority } = await connect();
    const stranger = new DriftExecutor({ venue: v, signer: Keypair.generate(), authority, subAccountId: 0, logger: silentLogger() });
    await expect(stranger.execute(sellTenthBtc(), noHook)).rejects.toThrow(/neither the owner nor the delegate/);
    expect(rpc.calls('sendTransaction')).toHaveLength(0);
  });

  it('an on-chain failure is ok:false with the decoded Drift error, and the signature reads failed', async () => {
    const { executor } = await connect();
    rpc.scriptLanding({ err: { InstructionError: [2, { Custom: INSUFFICIENT_COLLATERAL }] } });
    const result = await executor.execute(sellTenthBtc(), noHook);
    expect(result.ok).toBe(false);
    expect(result.error).toBe('InsufficientCollateral: Insufficient collateral');
    expect(result.fills).toEqual([]);
    expect(result.signatures).toEqual([rpc.transactions('send')[0]!.signature]);
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    expect(await executor.signatureStatus(result.signatures)).toEqual(['failed']);
  });

  it('a send refused by preflight is ok:false, decoded, sent once, and reads failed afterwards', async () => {
    const { executor } = await connect();
    rpc.scriptSimulation({
      err: { InstructionError: [2, { Custom: INSUFFICIENT_COLLATERAL }] },
      logs: ['Program log: Instruction: PlacePerpOrder', 'Program log: margin requirement 2186678676 > total collateral 2199358529'],
    });
    const result = await executor.execute(sellTenthBtc(), noHook);
    expect(result.ok).toBe(false);
    expect(result.error).toBe('InsufficientCollateral: Insufficient collateral — margin requirement 2186678676 > total collateral 2199358529');
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    expect(rpc.transactions('send')[0]!.rejected?.code).toBe(-32002);
    expect(await executor.signatureStatus(result.signatures)).toEqual(['failed']);
  });

  it('a transaction that never lands is reported expired once its blockhash is past, and reads failed', async () => {
    const { executor } = await connect();
    rpc.scriptLanding({ drop: true });
    const running = executor.execute(sellTenthBtc(), noHook);
    await rpc.waitForCall('sendTransaction');
    expect(await executor.signatureStatus([rpc.transactions('send')[0]?.signature ?? ''])).toEqual(['unknown']);
    rpc.advanceSlot(200);
    const result = await running;
    expect(result).toMatchObject({ ok: false, error: 'not included before its blockhash expired; nothing was traded' });
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    expect(await executor.signatureStatus(result.signatures)).toEqual(['failed']);
  });

  it('a confirmation that times out throws (outcome unknown) after one send; the status is asked, never re-sent', async () => {
    const { executor } = await connect({ confirmTimeoutMs: 300 });
    rpc.scriptLanding({ afterMs: null });
    const sigs: string[] = [];
    const err = await executor.execute(sellTenthBtc(), { beforeBroadcast: (s) => { sigs.push(...s); return Promise.resolve(); } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as Error).message).toMatch(/outcome unknown/);
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    expect(await executor.signatureStatus(sigs)).toEqual(['unknown']);
    rpc.confirmSignature(sigs[0]!, { commitment: 'confirmed' });
    expect(await executor.signatureStatus(sigs)).toEqual(['confirmed']);
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
  });

  it.each([
    ['a dropped connection', { drop: true }],
    ['an RPC error other than a failed preflight', { rpcError: { code: -32005, message: 'Node is unhealthy' } }],
  ] as const)('a send that ends in %s throws (outcome unknown) and is not retried', async (_what, fault) => {
    const { executor } = await connect();
    rpc.failNext('sendTransaction', fault);
    const sigs: string[] = [];
    const err = await executor.execute(sellTenthBtc(), { beforeBroadcast: (s) => { sigs.push(...s); return Promise.resolve(); } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as Error).message).toMatch(/outcome unknown/);
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    expect(sigs).toHaveLength(1);
    expect(await executor.signatureStatus(sigs)).toEqual(['unknown']);
  });

  it('signatureStatus: unknown for a signature the node never saw', async () => {
    const { executor } = await connect();
    const never = '5'.repeat(87);
    expect(await executor.signatureStatus([never])).toEqual(['unknown']);
    expect(rpc.calls('getSignatureStatuses').at(-1)?.params[1]).toEqual({ searchTransactionHistory: true });
  });
});

describe('Drift error decoding', () => {
  const ctx = { programId: DRIFT_PROGRAM_ID, programIds: [COMPUTE_BUDGET_PROGRAM_ID, COMPUTE_BUDGET_PROGRAM_ID, DRIFT_PROGRAM_ID], idlErrors: IDL_ERRORS };

  it('names a Drift custom error, name first', () => {
    expect(decodeTransactionError({ InstructionError: [2, { Custom: INSUFFICIENT_COLLATERAL }] }, ctx)).toEqual({
      name: 'InsufficientCollateral', text: 'InsufficientCollateral: Insufficient collateral',
    });
  });

  it('does not read another program’s custom code as a Drift error', () => {
    const d = decodeTransactionError({ InstructionError: [0, { Custom: INSUFFICIENT_COLLATERAL }] }, ctx);
    expect(d.name).toBeUndefined();
    expect(d.text).toContain(COMPUTE_BUDGET_PROGRAM_ID);
  });

  it("names Anchor's framework errors and runtime errors", () => {
    expect(decodeTransactionError({ InstructionError: [2, { Custom: 2006 }] }, ctx).name).toBe('ConstraintSeeds');
    expect(decodeTransactionError({ InstructionError: [2, 'ProgramFailedToComplete'] }, ctx).text).toBe('ProgramFailedToComplete (instruction 2)');
    expect(decodeTransactionError('BlockhashNotFound', ctx)).toEqual({ name: 'BlockhashNotFound', text: 'BlockhashNotFound' });
  });

  it('keeps the last explanatory program log line, not the framing', () => {
    expect(reasonLine([
      'Program log: Instruction: PlacePerpOrder', 'Program log: Error InvalidOrderMinOrderSize thrown at programs/drift/src/validation/order.rs:10',
      'Program log: Order base_asset_amount (1) < min_order_size (1000000)',
      'Program log: AnchorError occurred. Error Code: InvalidOrderMinOrderSize. Error Number: 6056.', 'Program x failed',
    ])).toBe('Order base_asset_amount (1) < min_order_size (1000000)');
    expect(reasonLine(null)).toBeUndefined();
    expect(reasonLine(['Program log: Instruction: PlacePerpOrder'])).toBeUndefined();
    // An earlier instruction's log (the token-account creation before a failing swap) is not the failure's reason.
    expect(reasonLine([
      'Program ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL invoke [1]', 'Program log: CreateIdempotent', 'Program ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL success',
      'Program 1qbkdrr3z4ryLA7pZykqxvxWPoeifcVKo6ZG9CfkvVE invoke [1]', 'Program log: Instruction: Swap',
      'Program log: AnchorError occurred. Error Code: InvalidAmountOut. Error Number: 6004.', 'Program 1qbkdrr3z4ryLA7pZykqxvxWPoeifcVKo6ZG9CfkvVE failed',
    ])).toBeUndefined();
  });

  it('decodes a refused send from the RPC message', () => {
    const code = codeOf('InvalidOrderMinOrderSize');
    expect(decodeSendFailure(`Transaction simulation failed: Error processing Instruction 2: custom program error: 0x${code.toString(16)}`, ctx).name)
      .toBe('InvalidOrderMinOrderSize');
    expect(decodeSendFailure('Transaction simulation failed: Blockhash not found', ctx)).toEqual({ name: undefined, text: 'Transaction simulation failed: Blockhash not found' });
  });

  it('tells owner, delegate and strangers apart', () => {
    const owner = Keypair.generate().publicKey;
    const delegate = Keypair.generate().publicKey;
    expect(signerRole({ authority: owner, delegate }, owner)).toBe('owner');
    expect(signerRole({ authority: owner, delegate }, delegate)).toBe('delegate');
    expect(signerRole({ authority: owner, delegate: PublicKey.default }, Keypair.generate().publicKey)).toBe('none');
    expect(signerRole({ authority: owner, delegate: PublicKey.default }, PublicKey.default)).toBe('none');
  });
});
