/**
 * The paper venue's TradeExecutor: plans fill on the paper ledger. A plan is one "transaction" (all legs fill or none
 * does, like one Solana transaction), identified by a signature made before it is sent. The venue remembers every
 * signature it received, so start-up reconciliation can ask what happened to one.
 */
import { randomBytes } from 'node:crypto';
import type { ActionPlan, MarketInfo, PlanLeg } from '../../domain/index.ts';
import type { ExecutionResult, LegFill, SignatureStatus, SimulationResult, TradeExecutor } from '../../ports/index.ts';
import { VenueError } from '../../shared/errors.ts';
import { toNumber } from '../../shared/money.ts';
import type { Fill, TradeRequest } from './ledger.ts';
import { PERP_SPECS, PRICE_DECIMALS, SPOT_SPECS, WEIGHT_PRECISION } from './markets.ts';
import type { PaperVenue } from './venue.ts';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A random 88-character base58 string shaped like a Solana transaction signature (prefixed so nobody mistakes it). */
function paperSignature(): string {
  let out = 'paper';
  for (const b of randomBytes(83)) out += BASE58[b % 58];
  return out;
}

/** What the venue received: one entry per plan sent (dry-run sends none). */
export interface PaperSubmission {
  readonly signature: string;
  readonly planId: string;
  readonly at: number;
  readonly ok: boolean;
  readonly error?: string;
}

const ratio = (x: bigint): number => Number(x) / Number(WEIGHT_PRECISION);

function request(leg: PlanLeg): TradeRequest {
  const decimals = leg.kind === 'perp' ? 9 : SPOT_SPECS[leg.asset as keyof typeof SPOT_SPECS]?.decimals;
  if (leg.size.decimals !== decimals) {
    throw new VenueError('Paper', `order size for ${leg.market} has ${leg.size.decimals} decimals, the market uses ${String(decimals)}`, { programError: 'InvalidOrderSize' });
  }
  return { kind: leg.kind, market: leg.market, side: leg.side, sizeRaw: leg.size.raw, limitPrice: leg.limitPrice, reduceOnly: leg.reduceOnly };
}

function legFill(leg: PlanLeg, f: Fill): LegFill {
  return { leg, filledRaw: f.sizeRaw, avgPrice: toNumber(f.priceRaw, PRICE_DECIMALS), feeUsd: f.feeUsd, realizedPnlUsd: f.realizedPnlUsd };
}

function reason(err: unknown): string {
  if (err instanceof VenueError) return err.programError ? `${err.programError}: ${err.message}` : err.message;
  throw err;
}

export class PaperExecutor implements TradeExecutor {
  readonly venue = 'paper' as const;
  private readonly paper: PaperVenue;
  private readonly sent: PaperSubmission[] = [];
  private readonly status = new Map<string, SignatureStatus>();

  constructor(venue: PaperVenue) {
    this.paper = venue;
  }

  /** Every plan this venue received, oldest first. */
  get submissions(): readonly PaperSubmission[] {
    return this.sent;
  }

  markets(): readonly MarketInfo[] {
    const perps: MarketInfo[] = Object.values(PERP_SPECS).map((s) => ({
      venue: 'paper', market: s.market, kind: 'perp', asset: s.asset, baseDecimals: s.baseDecimals, stepRaw: s.stepRaw,
      minSizeRaw: s.stepRaw, contractSize: s.contractSize, takerFeeBps: s.takerFeeBps, impactBpsPerMillion: s.impactBpsPerMillion,
      marginRatios: { initial: ratio(s.initialMarginRatio), maintenance: ratio(s.maintenanceMarginRatio) },
    }));
    const spots: MarketInfo[] = Object.values(SPOT_SPECS).filter((s) => s.asset !== 'USDC').map((s) => ({
      venue: 'paper', market: s.asset, kind: 'spot', asset: s.asset, baseDecimals: s.decimals, stepRaw: 1n,
      minSizeRaw: s.minOrderRaw, contractSize: 1, takerFeeBps: s.feeBps, impactBpsPerMillion: s.impactBpsPerMillion,
      spotWeights: {
        initialAsset: ratio(s.initialAssetWeight), maintenanceAsset: ratio(s.maintenanceAssetWeight),
        initialLiability: ratio(s.initialLiabilityWeight), maintenanceLiability: ratio(s.maintenanceLiabilityWeight),
      },
    }));
    return [...perps, ...spots];
  }

  /** Runs the legs in order on a copy of the ledger at current prices. */
  async simulate(plan: ActionPlan): Promise<SimulationResult> {
    await Promise.resolve();
    this.paper.sync();
    const legs = plan.legs.filter((l) => l.venue === 'paper');
    try {
      const fills = this.paper.ledger.clone().tradeAll(legs.map(request));
      return { ok: true, authoritative: true, fills: fills.map((f, i) => legFill(legs[i] as PlanLeg, f)) };
    } catch (err) {
      return { ok: false, authoritative: true, error: reason(err), fills: [] };
    }
  }

  async execute(plan: ActionPlan, hooks: { beforeBroadcast(signatures: readonly string[]): Promise<void> }): Promise<ExecutionResult> {
    const legs = plan.legs.filter((l) => l.venue === 'paper');
    const signature = paperSignature();
    await hooks.beforeBroadcast([signature]);
    try {
      const fills = this.paper.execute(legs.map(request));
      this.sent.push({ signature, planId: plan.id, at: this.paper.clock.now(), ok: true });
      this.status.set(signature, 'confirmed');
      return { ok: true, signatures: [signature], fills: fills.map((f, i) => legFill(legs[i] as PlanLeg, f)) };
    } catch (err) {
      const error = reason(err);
      this.sent.push({ signature, planId: plan.id, at: this.paper.clock.now(), ok: false, error });
      this.status.set(signature, 'failed');
      return { ok: false, signatures: [signature], fills: [], error };
    }
  }

  /**
   * The paper ledger is in this process, so it knows for sure: a signature it never received never landed ("failed"),
   * which is what a Solana node says once the transaction's blockhash has expired.
   */
  signatureStatus(signatures: readonly string[]): Promise<readonly SignatureStatus[]> {
    return Promise.resolve(signatures.map((s) => this.status.get(s) ?? 'failed'));
  }
}
