/**
 * Saros DLMM as a TradeExecutor: a plan's liquidity legs (a re-center's remove → swap → add, or one withdrawal,
 * deposit or swap) are sent as one transaction each, in order, each built on fresh chain state from the SDK's program and IDL:
 * - remove: `close_position` withdraws all of the position's liquidity and closes it, `decrease_position` takes a
 *   share of every bin's shares out (the SDK's removeMultipleLiquidity throws on pairs without a reward hook);
 * - swap: `swap` exact-in with the leg's minimum output as the program's bound (the SDK's swap would wrap native SOL
 *   again although the wSOL the remove released is already in the token account);
 * - add: `create_position` around the active bin + `increase_position` with the SDK's distribution (its
 *   createPosition appends a hook instruction that fails on hookless pairs, and addLiquidityIntoPosition wraps
 *   native SOL again and takes float amounts).
 * Each transaction's signature is stored before it is sent (BroadcastHooks) and it is sent once. A leg that fails
 * stops the rest: the result says which landed. Pairs with a reward hook are refused (their hook accounts are not
 * built here yet). Later legs depend on what the earlier ones release, so `simulate` runs the first leg only.
 */
import { BN } from '@coral-xyz/anchor';
import { createUniformDistribution, LiquidityShape as SdkShape } from '@saros-finance/dlmm-sdk';
import { createAssociatedTokenAccountIdempotentInstruction, getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID } from '@solana/spl-token';
import { ComputeBudgetProgram, Keypair, PublicKey, type TransactionInstruction } from '@solana/web3.js';
import type { ActionPlan, LiquidityShape, LpLegDetail, MarketInfo, PlanLeg } from '../../domain/index.ts';
import type { BroadcastHooks, ExecutionResult, LegFill, SignatureStatus, SimulationResult, TradeExecutor } from '../../ports/index.ts';
import { VenueError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { Broadcaster, reasonOf } from '../solana/broadcast.ts';
import { compileV0, simulateUnsigned } from '../solana/transaction.ts';
import { decodeSendFailure, decodeTransactionError, type DecodeContext, type IdlErrorEntry } from '../solana/errors.ts';
import { binArrayAddress, decodePair, decodePosition, type PairAccount } from './accounts.ts';
import { binArrayIndex, BINS_PER_ARRAY } from './math.ts';
import type { SarosVenue } from './venue.ts';

/** Compute units per leg: measured 90–200k per instruction on the real program (npm run bench), with headroom. */
const COMPUTE_UNITS = 400_000;

/** Why a leg could not be compiled into one transaction. */
const TOO_BIG = 'the leg does not fit in one Solana transaction (too many bins?)';

/** Priority fee when none is configured, micro-lamports per compute unit. */
export const DEFAULT_SAROS_PRIORITY_FEE_MICRO_LAMPORTS = 50_000;

const SHAPES: Readonly<Record<LiquidityShape, SdkShape>> = { spot: SdkShape.Spot, curve: SdkShape.Curve, bidask: SdkShape.BidAsk };

export interface SarosExecutorOptions {
  readonly venue: SarosVenue;
  /** The key of a wallet whose positions it moves; null: read-only, execute refuses (dry-run still simulates). */
  readonly signer: Keypair | null;
  readonly priorityFeeMicroLamports?: number;
  /** Longest wait for each leg's confirmation, ms. */
  readonly confirmTimeoutMs?: number;
  readonly logger: Logger;
}

/** One leg's transaction, built and ready to sign. */
interface BuiltLeg {
  readonly ixs: TransactionInstruction[];
  /** Keys that must sign besides the wallet (the new position's mint). */
  readonly extraSigners: Keypair[];
}

export class SarosExecutor implements TradeExecutor {
  readonly venue = 'saros' as const;
  private readonly opts: SarosExecutorOptions;
  private readonly broadcaster: Broadcaster;
  /** Token program of each mint (Token or Token-2022): it never changes. */
  private readonly tokenPrograms = new Map<string, PublicKey>();

  constructor(opts: SarosExecutorOptions) {
    this.opts = opts;
    this.broadcaster = new Broadcaster(opts.venue.connection, 'saros', opts.confirmTimeoutMs);
  }

  /** Saros trades only through liquidity legs; it offers no perp or spot market to the planners. */
  markets(): readonly MarketInfo[] {
    return [];
  }

  /** Simulates the first leg on the program (the later ones spend what it releases); fills are the plan's amounts. */
  async simulate(plan: ActionPlan): Promise<SimulationResult> {
    const legs = this.legsOf(plan);
    const first = legs[0];
    if (!first) return { ok: true, authoritative: true, fills: [] };
    try {
      const owner = this.ownerOf(plan);
      const built = await this.build(first, owner);
      const sim = await simulateUnsigned(this.opts.venue.connection, built.ixs, owner, 'saros', TOO_BIG);
      if (sim.err !== null) {
        return { ok: false, authoritative: true, error: `leg 1 (${this.lpOf(first).step}): ${decodeTransactionError(sim.err, this.decodeContext(built.ixs, sim.logs)).text}`, fills: [] };
      }
      return { ok: true, authoritative: true, fills: legs.map((l) => this.fillOf(l)) };
    } catch (err) {
      this.opts.logger.warn({ err, planId: plan.id }, 'saros simulation could not run');
      return { ok: false, authoritative: true, error: reasonOf(err, 'simulation could not run'), fills: [] };
    }
  }

  /** Sends the legs one transaction each, in order; stops at the first that does not land. */
  async execute(plan: ActionPlan, hooks: BroadcastHooks): Promise<ExecutionResult> {
    const legs = this.legsOf(plan);
    if (legs.length === 0) return { ok: true, fills: [], signatures: [] };
    const signer = this.opts.signer;
    if (!signer) throw new VenueError('saros', 'read-only: no key for the LP wallet is configured (SAROS_KEYPAIR), so nothing can be sent to Saros');
    const owner = this.ownerOf(plan);
    if (!signer.publicKey.equals(owner)) throw new VenueError('saros', `the position belongs to ${owner.toBase58()}, not to the SAROS_KEYPAIR wallet ${signer.publicKey.toBase58()}`);
    const fills: LegFill[] = [];
    const signatures: string[] = [];
    const landed = (): string => (fills.length === 0 ? 'none' : fills.map((f, i) => `${i + 1} ${this.lpOf(f.leg).step}`).join(', '));
    for (const [i, leg] of legs.entries()) {
      const step = this.lpOf(leg).step;
      const where = `leg ${i + 1} of ${legs.length} (${step})`;
      let built: BuiltLeg;
      try {
        built = await this.build(leg, owner);
      } catch (err) {
        if (signatures.length === 0) throw err;
        return { ok: false, error: `${where} not sent: ${reasonOf(err, 'could not be built')}; landed: ${landed()}`, fills, signatures };
      }
      const { blockhash, lastValidBlockHeight } = await this.opts.venue.connection.getLatestBlockhash('confirmed');
      const tx = compileV0(built.ixs, signer.publicKey, blockhash, 'saros', TOO_BIG);
      tx.sign([signer, ...built.extraSigners]);
      const sent = await this.broadcaster.send(tx, blockhash, lastValidBlockHeight, hooks);
      signatures.push(sent.signature);
      if (sent.kind === 'landed') {
        fills.push(this.fillOf(leg));
        continue;
      }
      const why = sent.kind === 'expired' ? 'not included before its blockhash expired'
        : sent.kind === 'refused' ? decodeSendFailure(sent.message, this.decodeContext(built.ixs, sent.logs)).text
          : decodeTransactionError(sent.err, this.decodeContext(built.ixs, null)).text;
      // After a remove and before its add, the liquidity sits in the wallet: say so, the person decides what next.
      const stranded = fills.some((f) => f.leg.lp?.step === 'remove') && !fills.some((f) => f.leg.lp?.step === 'add')
        ? ' (the removed tokens are in the wallet; /recenter or /lp to decide)' : '';
      return { ok: false, error: `${where} failed: ${why}; landed: ${landed()}${stranded}`, fills, signatures };
    }
    return { ok: true, fills, signatures };
  }

  async signatureStatus(signatures: readonly string[], validUntil?: Readonly<Record<string, number>>): Promise<readonly SignatureStatus[]> {
    return this.broadcaster.signatureStatus(signatures, validUntil);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private legsOf(plan: ActionPlan): PlanLeg[] {
    const legs = plan.legs.filter((l) => l.venue === 'saros');
    for (const l of legs) this.lpOf(l);
    return legs;
  }

  private lpOf(leg: PlanLeg): LpLegDetail {
    if (leg.kind !== 'lp' || !leg.lp) throw new VenueError('saros', `${leg.market}: only liquidity legs are sent to Saros`);
    return leg.lp;
  }

  /** The plan's amounts as the fill (the program moves exactly them, the swap at least its minimum). */
  private fillOf(leg: PlanLeg): LegFill {
    return { leg, filledRaw: leg.size.raw, avgPrice: leg.refPrice, feeUsd: leg.estFeeUsd };
  }

  /** The wallet that holds the plan's position: its tokens move and it pays the fees. */
  private ownerOf(plan: ActionPlan): PublicKey {
    const positions = new Set(plan.legs.flatMap((l) => (l.venue === 'saros' && l.lp?.step === 'remove' ? [l.lp.position] : [])));
    const owners = new Set(this.opts.venue.loaded().filter((p) => positions.has(p.position.address)).map((p) => p.owner));
    const [owner, ...more] = [...owners];
    if (owner && more.length === 0) return new PublicKey(owner);
    if (!owner && positions.size === 0 && this.opts.signer) return this.opts.signer.publicKey;
    throw new VenueError('saros', owner ? 'the plan moves positions of more than one wallet' : 'the plan’s position is not in the watched wallets (any more)');
  }

  private async build(leg: PlanLeg, owner: PublicKey): Promise<BuiltLeg> {
    const lp = this.lpOf(leg);
    const pair = await this.pair(lp.pool);
    if (pair.hook !== null) throw new VenueError('saros', `pair ${lp.pool} has a reward hook: moving its liquidity is not supported yet`);
    const [programX, programY] = await this.programsOf([pair.tokenMintX, pair.tokenMintY]);
    const sdk = this.opts.venue.sdk;
    const pairKey = new PublicKey(pair.address);
    const mintX = new PublicKey(pair.tokenMintX);
    const mintY = new PublicKey(pair.tokenMintY);
    const tokens = {
      pair: pairKey, tokenMintX: mintX, tokenMintY: mintY,
      tokenVaultX: getAssociatedTokenAddressSync(mintX, pairKey, true, programX), tokenVaultY: getAssociatedTokenAddressSync(mintY, pairKey, true, programY),
      userVaultX: getAssociatedTokenAddressSync(mintX, owner, true, programX), userVaultY: getAssociatedTokenAddressSync(mintY, owner, true, programY),
      tokenProgramX: programX, tokenProgramY: programY, user: owner, hooksProgram: sdk.hooksProgram.programId,
    };
    // The wallet's token accounts may not exist yet (a side it never held): create them, idempotently.
    const ixs: TransactionInstruction[] = [
      ComputeBudgetProgram.setComputeUnitLimit({ units: COMPUTE_UNITS }),
      ComputeBudgetProgram.setComputeUnitPrice({ microLamports: this.opts.priorityFeeMicroLamports ?? DEFAULT_SAROS_PRIORITY_FEE_MICRO_LAMPORTS }),
      createAssociatedTokenAccountIdempotentInstruction(owner, tokens.userVaultX, owner, mintX, programX),
      createAssociatedTokenAccountIdempotentInstruction(owner, tokens.userVaultY, owner, mintY, programY),
    ];
    const hook = PublicKey.findProgramAddressSync([Buffer.from('hook'), sdk.hooksConfig.toBuffer(), pairKey.toBuffer()], sdk.hooksProgram.programId)[0];
    const methods = sdk.lbProgram.methods;
    switch (lp.step) {
      case 'remove': {
        const info = await this.opts.venue.connection.getAccountInfo(new PublicKey(lp.position));
        if (!info) throw new VenueError('saros', `position ${lp.position} no longer exists`);
        const position = decodePosition(sdk.lbProgram.coder, lp.position, info.data);
        const mint = new PublicKey(position.positionMint);
        const accounts = {
          ...tokens, position: new PublicKey(lp.position), positionMint: mint,
          positionTokenAccount: getAssociatedTokenAddressSync(mint, owner, true, TOKEN_2022_PROGRAM_ID), positionTokenProgram: TOKEN_2022_PROGRAM_ID,
          ...this.arrays(pairKey, position.lowerBinId), hook,
        };
        if (lp.fractionBps >= 10_000) {
          // All of it: close_position withdraws every share and closes the position (its rent comes back).
          ixs.push(await methods.closePosition!().accountsPartial(accounts).instruction());
        } else {
          // A share: that share of every bin's shares, as the plan computed it (one u128 per bin of the range).
          const shares = position.shares.slice(0, position.upperBinId - position.lowerBinId + 1).map((sh) => new BN(((sh * BigInt(lp.fractionBps)) / 10_000n).toString()));
          ixs.push(await methods.decreasePosition!(shares).accountsPartial(accounts).instruction());
        }
        return { ixs, extraSigners: [] };
      }
      case 'swap': {
        const swapForY = lp.sell === 'base';
        const arrays = await this.swapArrays(pairKey, pair.activeId);
        ixs.push(await methods.swap!(new BN(lp.amountIn.raw.toString()), new BN(lp.minOut.raw.toString()), swapForY, { exactInput: {} })
          // No hook on this pair: the optional account is left out (Anchor passes the program id in its place).
          .accountsPartial({ ...tokens, ...arrays, hook: null as unknown as PublicKey })
          .remainingAccounts([pairKey, arrays.binArrayLower, arrays.binArrayUpper].map((pubkey) => ({ pubkey, isWritable: false, isSigner: false })))
          .instruction());
        return { ixs, extraSigners: [] };
      }
      case 'add': {
        const mint = Keypair.generate();
        const position = PublicKey.findProgramAddressSync([Buffer.from('position'), mint.publicKey.toBuffer()], sdk.lbProgram.programId)[0];
        const positionTokenAccount = getAssociatedTokenAddressSync(mint.publicKey, owner, true, TOKEN_2022_PROGRAM_ID);
        ixs.push(await methods.createPosition!(new BN(lp.left), new BN(lp.right)).accountsPartial({
          pair: pairKey, position, positionMint: mint.publicKey, positionTokenAccount, tokenProgram: TOKEN_2022_PROGRAM_ID, user: owner,
        }).instruction());
        const lower = pair.activeId + lp.left;
        await this.ensureArrays(pairKey, lower, owner, ixs);
        const distribution = createUniformDistribution({ shape: SHAPES[lp.shape], binRange: [lp.left, lp.right] });
        ixs.push(await methods.increasePosition!(new BN(lp.base.raw.toString()), new BN(lp.quote.raw.toString()), distribution).accountsPartial({
          ...tokens, position, positionMint: mint.publicKey, positionTokenAccount, positionTokenProgram: TOKEN_2022_PROGRAM_ID,
          ...this.arrays(pairKey, lower), hook,
        }).instruction());
        return { ixs, extraSigners: [mint] };
      }
    }
  }

  private async pair(address: string): Promise<PairAccount> {
    const info = await this.opts.venue.connection.getAccountInfo(new PublicKey(address));
    if (!info) throw new VenueError('saros', `pair ${address} not found`);
    return decodePair(this.opts.venue.sdk.lbProgram.coder, address, info.data);
  }

  /** Token program of each mint (one RPC call for the ones not seen before). */
  private async programsOf(mints: readonly string[]): Promise<PublicKey[]> {
    const missing = mints.filter((m) => !this.tokenPrograms.has(m));
    if (missing.length > 0) {
      const infos = await this.opts.venue.connection.getMultipleAccountsInfo(missing.map((m) => new PublicKey(m)));
      infos.forEach((info, i) => {
        if (!info) throw new VenueError('saros', `mint ${missing[i] ?? ''} not found`);
        this.tokenPrograms.set(missing[i] as string, info.owner);
      });
    }
    return mints.map((m) => this.tokenPrograms.get(m) as PublicKey);
  }

  /** The two bin arrays a range starting at program bin `lowerBinId` spans (a position holds ≤ 64 bins < 256). */
  private arrays(pair: PublicKey, lowerBinId: number): { binArrayLower: PublicKey; binArrayUpper: PublicKey } {
    const idx = binArrayIndex(lowerBinId);
    const programId = this.opts.venue.sdk.lbProgram.programId;
    return { binArrayLower: binArrayAddress(pair, idx, programId), binArrayUpper: binArrayAddress(pair, idx + 1, programId) };
  }

  /** Adds initialize_bin_array for the arrays a new range needs that do not exist yet. */
  private async ensureArrays(pair: PublicKey, lowerBinId: number, owner: PublicKey, ixs: TransactionInstruction[]): Promise<void> {
    const { binArrayLower, binArrayUpper } = this.arrays(pair, lowerBinId);
    const infos = await this.opts.venue.connection.getMultipleAccountsInfo([binArrayLower, binArrayUpper]);
    const idx = binArrayIndex(lowerBinId);
    for (const [k, info] of infos.entries()) {
      if (info) continue;
      ixs.push(await this.opts.venue.sdk.lbProgram.methods.initializeBinArray!(idx + k).accountsPartial({
        pair, binArray: k === 0 ? binArrayLower : binArrayUpper, user: owner,
      }).instruction());
    }
  }

  /** The bin arrays a swap walks, chosen as the SDK does: the active one and its neighbour on the nearer side. */
  private async swapArrays(pair: PublicKey, activeId: number): Promise<{ binArrayLower: PublicKey; binArrayUpper: PublicKey }> {
    const programId = this.opts.venue.sdk.lbProgram.programId;
    const idx = binArrayIndex(activeId);
    const around = [idx - 1, idx, idx + 1];
    const keys = around.map((k) => binArrayAddress(pair, k, programId));
    const infos = await this.opts.venue.connection.getMultipleAccountsInfo(keys);
    const present = around.filter((_, i) => infos[i]);
    if (present.length < 2) throw new VenueError('saros', 'the pool has fewer than two bin arrays around its price: nothing to swap against');
    const offset = activeId - idx * BINS_PER_ARRAY;
    const [lower, upper] = present.length === 2 ? present : offset < BINS_PER_ARRAY / 2 ? [present[0], present[1]] : [present[1], present[2]];
    return { binArrayLower: binArrayAddress(pair, lower as number, programId), binArrayUpper: binArrayAddress(pair, upper as number, programId) };
  }

  private decodeContext(ixs: readonly TransactionInstruction[], logs: readonly string[] | null | undefined): DecodeContext {
    const program = this.opts.venue.sdk.lbProgram;
    // The IDL names its errors in camelCase ("invalidAmountOut"); shown as the program's Rust names would read.
    const idlErrors = ((program.idl.errors ?? []) as readonly IdlErrorEntry[]).map((e) => ({ ...e, name: e.name.charAt(0).toUpperCase() + e.name.slice(1) }));
    return { programId: program.programId.toBase58(), programIds: ixs.map((ix) => ix.programId.toBase58()), idlErrors, logs: logs ?? null };
  }
}
