/**
 * Drift Protocol v2 as a position source: one DriftClient per process, one User per watched sub-account, markets and
 * oracles passed explicitly (discovered from the accounts, never getProgramAccounts). Polling mode refreshes with one
 * batched load per snapshot; websocket mode pushes every account change to `onChange` listeners.
 */
import { BulkAccountLoader, configs, decodeName, DriftClient, getDriftStateAccountPublicKey, WebSocketDriftClientAccountSubscriber, type DriftEnv, type User } from '@drift-labs/sdk';
import { Connection, PublicKey } from '@solana/web3.js';
import type { MarginSummary, Position } from '../../domain/index.ts';
import type { Clock, PositionSource, VenueSnapshot } from '../../ports/index.ts';
import { VenueError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { discoverUsers, marketsOf, oracleInfosFor, type FoundUser } from './discovery.ts';
import { assetOf, marginSummary, perpPositions, priceOf, spotPositions } from './mapping.ts';
import { WatchOnlyWallet } from './wallet.ts';

export interface DriftVenueOptions {
  readonly rpcUrl: string;
  /** Default: derived from rpcUrl by web3.js. */
  readonly wsUrl?: string;
  readonly env: DriftEnv;
  /** Wallet addresses (base58) whose accounts are watched. */
  readonly authorities: readonly string[];
  /** Sub-account ids to watch; null: discover. */
  readonly subAccounts: readonly number[] | null;
  readonly subscription: 'websocket' | 'polling';
  readonly clock: Clock;
  readonly logger: Logger;
  /** Drift program id (tests and devnet forks); default the SDK's for `env`. */
  readonly programId?: string;
  /**
   * Websocket mode: with no slot notification for this long (ms), the subscription is taken for
   * silent and the accounts are read over HTTP instead; snapshots carry the time of the last sign of life or HTTP
   * read, so the stale-data alert fires when both fail. Default 30 s (3 refresh intervals of 10 s).
   */
  readonly staleAfterMs?: number;
}

/** Back-off of the HTTP reads while a silent subscription's reads fail (ms): 1 s doubling to at most 60 s. */
const HTTP_READ_BACKOFF_MS = { first: 1_000, max: 60_000 } as const;

interface Watched {
  readonly found: FoundUser;
  readonly user: User;
}

/** Parses DRIFT_AUTHORITIES entries; a bad one is an error naming the key. */
function authoritiesOf(list: readonly string[]): PublicKey[] {
  return list.map((a) => {
    try {
      return new PublicKey(a);
    } catch {
      throw new VenueError('drift', `DRIFT_AUTHORITIES: "${a}" is not a Solana address`);
    }
  });
}

export class DriftVenue implements PositionSource {
  readonly venue = 'drift' as const;
  readonly label: string;
  readonly client: DriftClient;
  private readonly opts: DriftVenueOptions;
  private readonly loader: BulkAccountLoader | undefined;
  private watched: Watched[] = [];
  /** Epoch ms (opts.clock) of the last slot notification: the subscription's sign of life (several a second). */
  private lastAliveAt: number;
  private silent = false;
  /** Epoch ms of the last successful HTTP read while the socket was silent. */
  private lastReadAt = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private slotListener: number | undefined;
  private readonly connection: Connection;
  private backoffMs: number = HTTP_READ_BACKOFF_MS.first;
  private nextReadAt = 0;
  private reading = false;
  private closed = false;

  private constructor(opts: DriftVenueOptions, client: DriftClient, loader: BulkAccountLoader | undefined, connection: Connection) {
    this.opts = opts;
    this.client = client;
    this.loader = loader;
    this.connection = connection;
    this.lastAliveAt = opts.clock.now();
    this.label = `Drift ${opts.env === 'devnet' ? 'devnet' : 'mainnet'}`;
  }

  /** Discovers the sub-accounts and their markets, then subscribes one client to exactly those accounts. */
  static async connect(opts: DriftVenueOptions): Promise<DriftVenue> {
    const connection = new Connection(opts.rpcUrl, { commitment: 'confirmed', ...(opts.wsUrl ? { wsEndpoint: opts.wsUrl } : {}) });
    const authorities = authoritiesOf(opts.authorities);
    const first = authorities[0];
    if (!first) throw new VenueError('drift', 'DRIFT_AUTHORITIES: no wallet address to watch');
    const programId = new PublicKey(opts.programId ?? configs[opts.env].DRIFT_PROGRAM_ID);
    const found = await discoverUsers(connection, programId, authorities, opts.subAccounts);
    if (found.length === 0) {
      throw new VenueError('drift', `no Drift account found for ${opts.authorities.join(', ')} on ${opts.env} (check DRIFT_AUTHORITIES and DRIFT_ENV)`);
    }
    const markets = marketsOf(found.map((f) => f.account));
    const { oracleInfos, spot } = await oracleInfosFor(connection, programId, markets.perp, markets.spot);
    const loader = opts.subscription === 'polling' ? new BulkAccountLoader(connection, 'confirmed', 0) : undefined;
    const client = new DriftClient({
      connection, wallet: new WatchOnlyWallet(first), env: opts.env, programID: programId, skipLoadUsers: true,
      perpMarketIndexes: markets.perp, spotMarketIndexes: spot, oracleInfos,
      accountSubscription: loader ? { type: 'polling', accountLoader: loader } : { type: 'websocket' },
    });
    const venue = new DriftVenue(opts, client, loader, connection);
    await client.subscribe();
    for (const f of found) {
      await client.addUser(f.subAccountId, f.authority, f.account);
      venue.watched.push({ found: f, user: client.getUser(f.subAccountId, f.authority) });
    }
    if (!loader) venue.watchLiveness();
    opts.logger.info({ accounts: found.map((f) => `${f.authority.toBase58()}/${f.subAccountId}`), perp: markets.perp, spot, subscription: opts.subscription }, 'drift subscribed');
    return venue;
  }

  /** The state account key this client reads (tests serve it). */
  static stateAccount(programId: PublicKey): Promise<PublicKey> {
    return getDriftStateAccountPublicKey(programId);
  }

  /** The SDK User objects of the watched sub-accounts. */
  get users(): readonly User[] {
    return this.watched.map((w) => w.user);
  }

  async snapshot(): Promise<VenueSnapshot & { readonly margin: readonly MarginSummary[] }> {
    if (this.loader) await this.loader.load();
    const positions: Position[] = [];
    const margins: MarginSummary[] = [];
    let realized = 0n;
    const several = this.watched.length > 1;
    for (const w of this.watched) {
      const ref = { authority: w.found.authority.toBase58(), subAccountId: w.found.subAccountId };
      positions.push(...perpPositions(this.client, w.user, ref), ...spotPositions(this.client, w.user, ref));
      const account = w.user.getUserAccount();
      const label = several ? `${decodeName(account.name)} · ${ref.authority.slice(0, 4)}…/${ref.subAccountId}` : undefined;
      margins.push(marginSummary(w.user, label));
      realized += BigInt(account.settledPerpPnl.toString());
    }
    // Websocket data is as fresh as the subscription's last sign of life; polled data as this load.
    const asOf = this.loader ? this.opts.clock.now() : Math.max(this.lastAliveAt, this.lastReadAt);
    return { venue: 'drift', positions, margin: margins, prices: this.prices(), realizedPnlUsd: realized, asOf };
  }

  /** Oracle price (USD) per asset of every subscribed market. */
  private prices(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.client.getPerpMarketAccounts()) {
      const { asset, contractSize } = assetOf(decodeName(m.name));
      out[asset] ??= priceOf(this.client.getOracleDataForPerpMarket(m.marketIndex).price) / contractSize;
    }
    for (const m of this.client.getSpotMarketAccounts()) {
      const { asset } = assetOf(decodeName(m.name));
      out[asset] ??= priceOf(this.client.getOracleDataForSpotMarket(m.marketIndex).price);
    }
    return out;
  }

  /** Websocket mode: slot notifications are the sign of life; past the limit, reads go over HTTP. */
  private watchLiveness(): void {
    const alive = (): void => {
      this.lastAliveAt = this.opts.clock.now();
      if (this.silent) {
        this.silent = false;
        this.backoffMs = HTTP_READ_BACKOFF_MS.first;
        this.opts.logger.warn('drift subscription is alive again; re-reading the accounts it may have missed');
        // Updates during the gap were never delivered (web3.js resubscribes without re-fetching).
        void this.refetch();
      }
    };
    // Only slot notifications count: an HTTP read while silent also emits account updates.
    this.slotListener = this.connection.onSlotChange(alive);
    const limit = this.opts.staleAfterMs ?? 30_000;
    this.watchdog = setInterval(() => { void this.checkLiveness(limit); }, Math.max(250, Math.min(limit / 3, 10_000)));
    this.watchdog.unref();
  }

  /**
   * While the socket is silent, the accounts are read over HTTP instead (one batched read, backing off 1 s → 60 s
   * while reads fail): alerts keep coming on the refresh schedule, and the data is stale only if HTTP fails too.
   * web3.js itself reconnects a dropped socket and re-sends the subscriptions.
   */
  private async checkLiveness(limit: number): Promise<void> {
    const now = this.opts.clock.now();
    if (this.closed || this.reading || now - this.lastAliveAt <= limit || now < this.nextReadAt) return;
    if (!this.silent) this.opts.logger.warn({ silentMs: now - this.lastAliveAt }, 'drift subscription silent; reading over HTTP until it is back');
    this.silent = true;
    this.reading = true;
    try {
      if (await this.refetch()) {
        this.lastReadAt = this.opts.clock.now();
        this.backoffMs = HTTP_READ_BACKOFF_MS.first;
      } else {
        this.backoffMs = Math.min(this.backoffMs * 2, HTTP_READ_BACKOFF_MS.max);
      }
    } finally {
      this.reading = false;
      this.nextReadAt = this.opts.clock.now() + this.backoffMs;
    }
  }

  /** Re-reads markets, oracles and users over HTTP; false when the read failed (logged). */
  private async refetch(): Promise<boolean> {
    try {
      const sub = this.client.accountSubscriber;
      await sub.fetch();
      // The websocket subscriber's fetch() skips oracles: read them too, they move the most.
      if (sub instanceof WebSocketDriftClientAccountSubscriber) await Promise.all([...sub.oracleSubscribers.values()].map((o) => o.fetch()));
      for (const w of this.watched) await w.user.fetchAccounts();
      return true;
    } catch (err) {
      this.opts.logger.warn({ err }, 'drift read over HTTP failed');
      return false;
    }
  }

  /** Every pushed account change (websocket mode); polling mode changes only on snapshot. */
  onChange(listener: () => void): () => void {
    const handler = (): void => listener();
    this.client.eventEmitter.on('update', handler);
    return () => { this.client.eventEmitter.off('update', handler); };
  }

  /** Unsubscribes, bounded by `ms`: the SDK leaves timers behind, so the process exits explicitly after this. */
  async close(ms = 3_000): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.slotListener !== undefined) await this.connection.removeSlotChangeListener(this.slotListener).catch(() => undefined);
    await Promise.race([this.client.unsubscribe().catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
  }
}
