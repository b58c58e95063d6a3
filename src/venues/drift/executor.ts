/**
 * Drift Protocol v2 as a TradeExecutor: a plan's Drift perp legs become one transaction of market orders
 * (placePerpOrder, one per leg, with the leg's limit price as the worst price), preceded by the compute budget.
 *
 * - The instructions are built from the program's IDL with the watched sub-account as `user` and the signer as
 *   `authority`, not through DriftClient.getPlacePerpOrderIx: that one takes the authority from the shared client's
 *   wallet (the watch-only address the venue reads with), so it cannot be signed by a delegate, and switching the
 *   client's wallet would change what every reader of the venue sees.
 * - Watch-only (no signer): `simulate` still runs — simulateTransaction needs no signature — and `execute` refuses.
 * - `execute` signs once and sends once: the signature is handed to `beforeBroadcast` before the bytes leave the
 *   process, and nothing is ever re-signed or re-sent. A send the RPC refused is a failure; a send whose outcome cannot
 *   be known (transport error, confirmation timeout) throws, so the plan stays executing until `signatureStatus`
 *   settles it.
 * - Fills are estimates at each leg's reference price with the taker fee: a placed market order fills in Drift's
 *   auction afterwards, and the actual fills are only known from the fill events (not read here).
 */
import {
  BN, decodeName, getMarketOrderParams, getOrderParams, MARGIN_PRECISION, MarketType, PositionDirection, PRICE_PRECISION,
  type DriftClient, type OptionalOrderParams, type PerpMarketAccount, type User, type UserAccount,
} from '@drift-labs/sdk';
import {
  ComputeBudgetProgram, PublicKey, type AccountMeta, type Keypair, type TransactionInstruction,
} from '@solana/web3.js';
import type { ActionPlan, MarketInfo, PlanLeg } from '../../domain/index.ts';
import type { BroadcastHooks, ExecutionResult, LegFill, SignatureStatus, SimulationResult, TradeExecutor } from '../../ports/index.ts';
import { VenueError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { Broadcaster, reasonOf } from '../solana/broadcast.ts';
import { compileV0, simulateUnsigned } from '../solana/transaction.ts';
import { decodeSendFailure, decodeTransactionError, type DecodeContext, type IdlErrorEntry } from '../solana/errors.ts';
import { assetOf } from './mapping.ts';
import type { DriftVenue } from './venue.ts';

/**
 * Taker fee assumed when the State's fee tiers cannot be read, bps: Drift's original tier-0 perp taker fee (10 bps),
 * above its later tiers, so an estimate errs on the expensive side.
 */
export const DEFAULT_TAKER_FEE_BPS = 10;

/**
 * Expected price impact per $1M of notional, bps. Drift's books differ by market and moment and nothing here measures
 * them, so one conservative figure (the level of a thin alt market) is used for every market.
 */
export const IMPACT_BPS_PER_MILLION = 50;

/** Priority fee when none is configured, micro-lamports per compute unit (≈ 0.00001 SOL for a one-order transaction). */
export const DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS = 50_000;

/** Compute units budgeted per placePerpOrder (the margin check grows with the account's positions). */
const COMPUTE_UNITS_PER_ORDER = 200_000;
/** Compute units for the rest of the transaction (the compute budget instructions themselves). */
const COMPUTE_UNITS_BASE = 10_000;
/** Solana's per-transaction compute cap. */
const MAX_COMPUTE_UNITS = 1_400_000;

/** A high-leverage-mode account pays twice the taker fee (as the SDK's getMarketFees computes it). */
const HIGH_LEVERAGE_FEE_MULTIPLIER = 2;

export interface DriftExecutorOptions {
  readonly venue: DriftVenue;
  /** The signing key (the account's delegate, or its owner); null: watch-only, execute refuses. */
  readonly signer: Keypair | null;
  /** Owner (authority) of the sub-account that trades. */
  readonly authority: PublicKey;
  readonly subAccountId: number;
  /** Priority fee, micro-lamports per compute unit; default DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS. */
  readonly priorityFeeMicroLamports?: number;
  /** Longest wait for a sent transaction's confirmation, ms; default 90 s. */
  readonly confirmTimeoutMs?: number;
  readonly logger: Logger;
}

/** Who a key is to a Drift sub-account: its delegate, its owner, or neither (cannot trade it). */
export type SignerRole = 'delegate' | 'owner' | 'none';

/** How `key` relates to the sub-account `account` (a delegate that is also the owner counts as owner). */
export function signerRole(account: Pick<UserAccount, 'authority' | 'delegate'>, key: PublicKey): SignerRole {
  if (account.authority.equals(key)) return 'owner';
  if (!account.delegate.equals(PublicKey.default) && account.delegate.equals(key)) return 'delegate';
  return 'none';
}

/** A float USD price as PRICE_PRECISION (1e6) units, rounded so the bound only ever gets stricter, then to the tick. */
function limitPriceOf(leg: PlanLeg, tick: BN): BN {
  if (!(leg.limitPrice > 0) || !Number.isFinite(leg.limitPrice)) {
    throw new VenueError('drift', `the limit price of ${leg.market} (${leg.limitPrice}) is not a positive number`);
  }
  const scaled = leg.limitPrice * PRICE_PRECISION.toNumber();
  // A buy's limit is a ceiling (round down), a sell's a floor (round up): rounding never loosens the bound.
  const raw = new BN((leg.side === 'buy' ? Math.floor(scaled) : Math.ceil(scaled)).toString());
  if (tick.lten(1)) return raw;
  const rem = raw.mod(tick);
  if (rem.isZero()) return raw;
  return leg.side === 'buy' ? raw.sub(rem) : raw.sub(rem).add(tick);
}

/** Why a plan could not be compiled into one transaction (the two compute-budget instructions are not orders). */
const tooBig = (ixs: readonly TransactionInstruction[]): string => `the plan's ${ixs.length - 2} orders do not fit in one Solana transaction; split the plan`;

/** Exact micro-USD of `raw` base units (9 decimals on Drift perps) at `price` USD per unit. */
function notionalMicroUsd(raw: bigint, decimals: number, price: number): bigint {
  const priceMicro = BigInt(Math.round(price * 1e6));
  return (raw * priceMicro) / 10n ** BigInt(decimals);
}

export class DriftExecutor implements TradeExecutor {
  readonly venue = 'drift' as const;
  private readonly opts: DriftExecutorOptions;
  private readonly client: DriftClient;
  private readonly broadcaster: Broadcaster;

  constructor(opts: DriftExecutorOptions) {
    this.opts = opts;
    this.client = opts.venue.client;
    this.broadcaster = new Broadcaster(this.client.connection, 'drift', opts.confirmTimeoutMs);
  }

  /** Every subscribed perp market with its order rules (sizes in base units, 9 decimals; fees bps; margins fractions). */
  markets(): readonly MarketInfo[] {
    const tierBps = this.tierZeroTakerBps();
    const hlm = this.highLeverage();
    return this.client.getPerpMarketAccounts()
      .slice()
      .sort((a, b) => a.marketIndex - b.marketIndex)
      .map((m): MarketInfo => {
        const market = decodeName(m.name);
        const { asset, contractSize } = assetOf(market);
        // Per-market fee adjustment (percent, may be negative), as the program and the SDK's getMarketFees apply it.
        const adjusted = tierBps * (1 + m.feeAdjustment / 100) * (hlm ? HIGH_LEVERAGE_FEE_MULTIPLIER : 1);
        const margin = MARGIN_PRECISION.toNumber();
        return {
          venue: 'drift', market, kind: 'perp', asset, baseDecimals: 9, contractSize,
          stepRaw: BigInt(m.amm.orderStepSize.toString()), minSizeRaw: BigInt(m.amm.minOrderSize.toString()),
          takerFeeBps: Math.max(0, adjusted), impactBpsPerMillion: IMPACT_BPS_PER_MILLION,
          marginRatios: { initial: m.marginRatioInitial / margin, maintenance: m.marginRatioMaintenance / margin },
        };
      });
  }

  /** Runs the plan's Drift legs through the program (simulateTransaction); fills are estimates at refPrice, micro-USD fees. */
  async simulate(plan: ActionPlan): Promise<SimulationResult> {
    try {
      const legs = this.legsOf(plan);
      if (legs.length === 0) return { ok: true, authoritative: true, fills: [] };
      const payer = this.opts.signer?.publicKey ?? this.opts.authority;
      const ixs = await this.instructions(legs, payer);
      const programIds = ixs.map((ix) => ix.programId.toBase58());
      const sim = await simulateUnsigned(this.client.connection, ixs, payer, 'drift', tooBig(ixs));
      if (sim.err !== null) {
        const failure = decodeTransactionError(sim.err, this.decodeContext(programIds, sim.logs));
        return { ok: false, authoritative: true, error: failure.text, fills: [] };
      }
      return { ok: true, authoritative: true, fills: this.estimatedFills(legs) };
    } catch (err) {
      this.opts.logger.warn({ err, planId: plan.id }, 'drift simulation could not run');
      return { ok: false, authoritative: true, error: reasonOf(err, 'simulation could not run'), fills: [] };
    }
  }

  /**
   * Signs the plan's Drift legs as one transaction and sends it once; fills are estimates at refPrice (micro-USD fees)
   * until Drift's fill events are read.
   */
  async execute(plan: ActionPlan, hooks: BroadcastHooks): Promise<ExecutionResult> {
    const legs = this.legsOf(plan);
    if (legs.length === 0) return { ok: true, fills: [], signatures: [] };
    const signer = this.opts.signer;
    if (!signer) throw new VenueError('drift', 'watch-only: no signing key is configured (WALLET_KEYPAIR), so nothing can be sent to Drift');
    const user = this.user();
    if (signerRole(user.getUserAccount(), signer.publicKey) === 'none') {
      throw new VenueError('drift', `the signing key ${signer.publicKey.toBase58()} is neither the owner nor the delegate of sub-account ${this.opts.subAccountId} of ${this.opts.authority.toBase58()}`);
    }
    const ixs = await this.instructions(legs, signer.publicKey);
    const programIds = ixs.map((ix) => ix.programId.toBase58());
    const connection = this.client.connection;
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash('confirmed');
    const tx = compileV0(ixs, signer.publicKey, blockhash, 'drift', tooBig(ixs));
    tx.sign([signer]);
    const sent = await this.broadcaster.send(tx, blockhash, lastValidBlockHeight, hooks);
    const signatures = [sent.signature];
    switch (sent.kind) {
      case 'landed':
        return { ok: true, fills: this.estimatedFills(legs), signatures };
      case 'expired':
        return { ok: false, error: 'not included before its blockhash expired; nothing was traded', fills: [], signatures };
      case 'refused':
        return { ok: false, error: decodeSendFailure(sent.message, this.decodeContext(programIds, sent.logs)).text, fills: [], signatures };
      case 'failed':
        return { ok: false, error: decodeTransactionError(sent.err, this.decodeContext(programIds, null)).text, fills: [], signatures };
    }
  }

  /** Status of broadcast signatures (history searched): confirmed, failed (on-chain error or never able to land), or unknown. */
  async signatureStatus(signatures: readonly string[], validUntil?: Readonly<Record<string, number>>): Promise<readonly SignatureStatus[]> {
    return this.broadcaster.signatureStatus(signatures, validUntil);
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** The plan's legs for this venue; Drift spot legs are not supported (yet). */
  private legsOf(plan: ActionPlan): PlanLeg[] {
    const legs = plan.legs.filter((l) => l.venue === 'drift');
    for (const l of legs) {
      if (l.kind !== 'perp') throw new VenueError('drift', `${l.market}: only perp orders are sent to Drift`);
      if (l.size.decimals !== 9) throw new VenueError('drift', `${l.market}: order size has ${l.size.decimals} decimals, Drift perps use 9`);
      if (l.size.raw <= 0n) throw new VenueError('drift', `${l.market}: order size must be positive`);
    }
    return legs;
  }

  /** The watched sub-account that trades. */
  private user(): User {
    const { authority, subAccountId } = this.opts;
    const user = this.opts.venue.users.find((u) => {
      const a = u.getUserAccount();
      return a.subAccountId === subAccountId && a.authority.equals(authority);
    });
    if (!user) throw new VenueError('drift', `sub-account ${subAccountId} of ${authority.toBase58()} is not watched (check DRIFT_AUTHORITIES and DRIFT_SUBACCOUNTS)`);
    return user;
  }

  private perpMarket(name: string): PerpMarketAccount {
    const m = this.client.getPerpMarketAccounts().find((x) => decodeName(x.name) === name);
    if (!m) throw new VenueError('drift', `${name} is not a subscribed Drift perp market`);
    return m;
  }

  /** Compute budget, then one placePerpOrder per leg, all for the watched sub-account with `authority` signing. */
  private async instructions(legs: readonly PlanLeg[], authority: PublicKey): Promise<TransactionInstruction[]> {
    const user = this.user();
    const account = user.getUserAccount();
    const markets = legs.map((l) => this.perpMarket(l.market));
    const state = await this.client.getStatePublicKey();
    // Every order's margin check sees the orders placed before it in this transaction: each instruction carries all
    // the plan's markets, not only the ones the account already has positions in.
    const remainingAccounts: AccountMeta[] = this.client.getRemainingAccounts({
      userAccounts: [account], useMarketLastSlotCache: false, readablePerpMarketIndex: markets.map((m) => m.marketIndex),
    });
    const units = Math.min(MAX_COMPUTE_UNITS, COMPUTE_UNITS_BASE + COMPUTE_UNITS_PER_ORDER * legs.length);
    const ixs: TransactionInstruction[] = [
      ComputeBudgetProgram.setComputeUnitLimit({ units }),
      ComputeBudgetProgram.setComputeUnitPrice({ microLamports: this.opts.priorityFeeMicroLamports ?? DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS }),
    ];
    legs.forEach((leg, i) => {
      const market = markets[i] as PerpMarketAccount;
      const params: OptionalOrderParams = getMarketOrderParams({
        marketIndex: market.marketIndex,
        direction: leg.side === 'buy' ? PositionDirection.LONG : PositionDirection.SHORT,
        baseAssetAmount: new BN(leg.size.raw.toString()),
        reduceOnly: leg.reduceOnly,
        // The worst acceptable price: the program runs the auction from the oracle towards it and never fills past it.
        price: limitPriceOf(leg, market.amm.orderTickSize),
      });
      ixs.push(this.placePerpOrderIx(params, { state, user: user.userAccountPublicKey, authority }, remainingAccounts));
    });
    return ixs;
  }

  /** placePerpOrder encoded from the IDL (the same call DriftClient.getPlacePerpOrderIx makes, with our accounts). */
  private placePerpOrderIx(params: OptionalOrderParams, accounts: { state: PublicKey; user: PublicKey; authority: PublicKey }, remainingAccounts: AccountMeta[]): TransactionInstruction {
    // As getPlacePerpOrderIx does: every order field defaulted, the market type forced to perp.
    const full = getOrderParams(params, { marketType: MarketType.PERP });
    // The client's Program is typed with a generic Idl, so the instruction's call shape is stated here.
    const build = this.client.program.instruction.placePerpOrder as unknown as (
      p: OptionalOrderParams, ctx: { accounts: Record<string, PublicKey>; remainingAccounts: AccountMeta[] },
    ) => TransactionInstruction;
    return build(full, { accounts, remainingAccounts });
  }

  /** Fill estimates: each leg's whole size at its refPrice, taker fee on that notional (micro-USD, truncated). */
  private estimatedFills(legs: readonly PlanLeg[]): LegFill[] {
    const markets = this.markets();
    return legs.map((leg) => {
      const feeBps = markets.find((m) => m.market === leg.market)?.takerFeeBps ?? DEFAULT_TAKER_FEE_BPS;
      const notional = notionalMicroUsd(leg.size.raw, leg.size.decimals, leg.refPrice);
      // Hundredths of a bp keep fractional fees (3.5 bps) exact in integer maths.
      const feeUsd = (notional * BigInt(Math.round(feeBps * 100))) / 1_000_000n;
      return { leg, filledRaw: leg.size.raw, avgPrice: leg.refPrice, feeUsd };
    });
  }

  /** Tier-0 (no volume, no stake: the dearest) perp taker fee from the State, bps; the default when unreadable. */
  private tierZeroTakerBps(): number {
    try {
      const tier = this.client.getStateAccount().perpFeeStructure.feeTiers[0];
      if (tier && tier.feeDenominator > 0) return (tier.feeNumerator / tier.feeDenominator) * 10_000;
    } catch {
      // Not subscribed yet: fall through to the default.
    }
    return DEFAULT_TAKER_FEE_BPS;
  }

  private highLeverage(): boolean {
    try {
      return this.user().isHighLeverageMode('Initial');
    } catch {
      return false;
    }
  }

  private decodeContext(programIds: readonly string[], logs: readonly string[] | null | undefined): DecodeContext {
    const idlErrors = (this.client.program.idl.errors ?? []) as readonly IdlErrorEntry[];
    return { programId: this.client.program.programId.toBase58(), programIds, idlErrors, logs: logs ?? null };
  }
}
