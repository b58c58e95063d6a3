/** Aggregates venue snapshots into one Portfolio (pure), and the service that keeps it fresh. */
import type { MarginSummary, Portfolio, Position, VenueStatus } from '../domain/index.ts';
import type { Clock, PositionSource, VenueSnapshot } from '../ports/index.ts';
import type { Logger } from '../shared/logger.ts';

function sum(values: Iterable<bigint>): bigint {
  let s = 0n;
  for (const v of values) s += v;
  return s;
}

function positionUpnl(p: Position): bigint {
  if (p.kind === 'perp') return p.unrealizedPnlUsd;
  if (p.kind === 'spot') return p.unrealizedPnlUsd ?? 0n;
  return p.valueUsd - p.depositedUsd;
}

/** Builds a Portfolio from the latest snapshot of each venue. USD amounts micro-USD. */
export function aggregatePortfolio(snapshots: readonly VenueSnapshot[], statuses: readonly VenueStatus[]): Portfolio {
  const positions = snapshots.flatMap((s) => s.positions);
  const margin: MarginSummary[] = snapshots.flatMap((s) => (s.margin === null ? [] : Array.isArray(s.margin) ? [...(s.margin as readonly MarginSummary[])] : [s.margin as MarginSummary]));
  const prices: Record<string, number> = {};
  for (const s of snapshots) Object.assign(prices, s.prices);
  const total = sum(positions.map((p) => p.valueUsd));
  const gross = sum(positions.filter((p) => !(p.kind === 'spot' && p.asset === 'USDC')).map((p) => p.exposureUsd));
  return {
    positions,
    margin,
    prices,
    totalValueUsd: total,
    unrealizedPnlUsd: sum(positions.map(positionUpnl)),
    realizedPnlUsd: sum(snapshots.map((s) => s.realizedPnlUsd)),
    marginUsedUsd: sum(margin.map((m) => m.initialMarginUsd)),
    marginAvailableUsd: sum(margin.map((m) => m.freeCollateralUsd)),
    leverage: total > 0n ? Number(gross) / Number(total) : gross > 0n ? Infinity : 0,
    health: margin.length === 0 ? 100 : Math.min(...margin.map((m) => m.health)),
    venues: statuses,
    unpriced: snapshots.flatMap((s) => s.unpriced ?? []),
    asOf: snapshots.length === 0 ? 0 : Math.min(...snapshots.map((s) => s.asOf)),
  };
}

/** Keeps the latest snapshot per venue; a failing venue keeps its last good data and is marked not ok. */
export class PortfolioService {
  private readonly last = new Map<string, VenueSnapshot>();
  private readonly errors = new Map<string, string>();
  private latest: Portfolio | undefined;

  private readonly sources: readonly PositionSource[];
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(sources: readonly PositionSource[], clock: Clock, logger: Logger) {
    this.sources = sources;
    this.clock = clock;
    this.logger = logger;
  }

  get venueLabels(): readonly { venue: string; label: string }[] {
    return this.sources.map((s) => ({ venue: s.venue, label: s.label }));
  }

  /** Reads every venue now and returns the aggregated portfolio. Never throws for a venue failure. */
  async refresh(): Promise<Portfolio> {
    await Promise.all(this.sources.map(async (src) => {
      try {
        this.last.set(src.venue, await src.snapshot());
        this.errors.delete(src.venue);
      } catch (err) {
        this.errors.set(src.venue, err instanceof Error ? err.message : String(err));
        this.logger.warn({ err, venue: src.venue }, 'venue snapshot failed');
      }
    }));
    const statuses: VenueStatus[] = this.sources.map((s) => {
      const snap = this.last.get(s.venue);
      const error = this.errors.get(s.venue);
      return { venue: s.venue, label: s.label, ok: error === undefined && snap !== undefined, asOf: snap?.asOf ?? 0, ...(error ? { error } : {}) };
    });
    this.latest = aggregatePortfolio([...this.last.values()], statuses);
    return this.latest;
  }

  /** The portfolio as of the last refresh (refreshing if there was none). */
  async current(): Promise<Portfolio> {
    return this.latest ?? this.refresh();
  }

  /** Age of the oldest venue data, ms (Infinity before the first refresh). */
  dataAgeMs(): number {
    return this.latest && this.latest.asOf > 0 ? this.clock.now() - this.latest.asOf : Infinity;
  }
}
