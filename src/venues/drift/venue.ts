/**
 * Drift Protocol v2 as a position source: one DriftClient per process, one User per watched sub-account, markets and
 * oracles passed explicitly (discovered from the accounts, never getProgramAccounts). Polling mode refreshes with one
 * batched load per snapshot; websocket mode pushes every account change to `onChange` listeners.
 */
import { BulkAccountLoader, configs, decodeName, DriftClient, getDriftStateAccountPublicKey, WebSocketDriftClientAccountSubscriber, type DriftEnv, type User } from '@drift-labs/sdk';
import { Connection, PublicKey } from '@solana/web3.js';
import type { MarginSummary, Position, SpotPosition, UnpricedHolding } from '../../domain/index.ts';
import type { Clock, PositionSource, VenueSnapshot } from '../../ports/index.ts';
import { VenueError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { discoverUsers, marketsOf, oracleInfosFor, type FoundUser } from './discovery.ts';
import { readWallet, SOL_MINT, spotMarketForMint, WALLET_REFRESH_MS, type WalletBalances } from './balances.ts';
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

/** Drift spot markets that price a wallet's holdings (native SOL through wrapped SOL). */
function walletMarketIndexes(env: DriftEnv, w: WalletBalances): number[] {
  const mints = [...(w.lamports > 0n ? [SOL_MINT] : []), ...w.tokens.map((t) => t.mint)];
  return mints.map((m) => spotMarketForMint(env, m)).filter((i): i is number => i !== undefined);
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
  private readonly programId: PublicKey;
  private adding: Promise<void> | undefined;
  private authorities: readonly PublicKey[] = [];
  /** The wallets' own balances, by authority, with when they were read (opts.clock ms). */
  private readonly wallets = new Map<string, { readonly at: number; readonly balances: WalletBalances }>();
  private backoffMs: number = HTTP_READ_BACKOFF_MS.first;
  private nextReadAt = 0;
  private reading = false;
  private closed = false;

  private constructor(opts: DriftVenueOptions, client: DriftClient, loader: BulkAccountLoader | undefined, connection: Connection, programId: PublicKey) {
    this.opts = opts;
    this.programId = programId;
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
    const wallets = await Promise.all(authorities.map((a) => readWallet(connection, a)));
    const markets = marketsOf(found.map((f) => f.account));
    const walletSpot = wallets.flatMap((w) => walletMarketIndexes(opts.env, w));
    markets.spot = [...new Set([...markets.spot, ...walletSpot])].sort((a, b) => a - b);
    const { oracleInfos, spot } = await oracleInfosFor(connection, programId, markets.perp, markets.spot);
    const loader = opts.subscription === 'polling' ? new BulkAccountLoader(connection, 'confirmed', 0) : undefined;
    const client = new DriftClient({
      connection, wallet: new WatchOnlyWallet(first), env: opts.env, programID: programId, skipLoadUsers: true,
      perpMarketIndexes: markets.perp, spotMarketIndexes: spot, oracleInfos,
      accountSubscription: loader ? { type: 'polling', accountLoader: loader } : { type: 'websocket' },
    });
    const venue = new DriftVenue(opts, client, loader, connection, programId);
    await client.subscribe();
    for (const f of found) {
      await client.addUser(f.subAccountId, f.authority, f.account);
      venue.watched.push({ found: f, user: client.getUser(f.subAccountId, f.authority) });
    }
    venue.authorities = authorities;
    const now = opts.clock.now();
    for (const w of wallets) venue.wallets.set(w.authority, { at: now, balances: w });
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
    await this.refreshWallets();
    await this.addNewMarkets();
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
    const wallet = this.walletPositions();
    positions.push(...wallet.positions);
    // Websocket data is as fresh as the subscription's last sign of life; polled data as this load.
    const asOf = this.loader ? this.opts.clock.now() : Math.max(this.lastAliveAt, this.lastReadAt);
    return { venue: 'drift', positions, margin: margins, prices: this.oraclePrices(), realizedPnlUsd: realized, unpriced: wallet.unpriced, asOf };
  }

  /**
   * Subscribes markets (and their oracles) a watched account started using after start-up. The SDK's addPerpMarket
   * neither fetches the market nor subscribes its oracle (health would throw), so both are done here, then the
   * oracle maps are rebuilt.
   */
  private async addNewMarkets(): Promise<void> {
    if (this.adding) return this.adding;
    const needed = marketsOf(this.watched.map((w) => w.user.getUserAccount()));
    needed.spot.push(...[...this.wallets.values()].flatMap((w) => walletMarketIndexes(this.opts.env, w.balances)));
    const perp = new Set(this.client.getPerpMarketAccounts().map((m) => m.marketIndex));
    const spot = new Set(this.client.getSpotMarketAccounts().map((m) => m.marketIndex));
    const newPerp = needed.perp.filter((i) => !perp.has(i));
    const newSpot = [...new Set(needed.spot.filter((i) => !spot.has(i)))];
    if (newPerp.length === 0 && newSpot.length === 0) return;
    this.adding = (async () => {
      const found = await oracleInfosFor(this.connection, this.programId, newPerp, newSpot);
      const sub = this.client.accountSubscriber;
      for (const info of found.oracleInfos) await sub.addOracle(info);
      for (const i of found.spot.filter((x) => !spot.has(x))) await sub.addSpotMarket(i);
      for (const i of newPerp) await sub.addPerpMarket(i);
      if (this.loader) await this.loader.load();
      else {
        await sub.fetch();
        if (sub instanceof WebSocketDriftClientAccountSubscriber) await Promise.all([...sub.oracleSubscribers.values()].map((o) => o.fetch()));
      }
      await sub.setPerpOracleMap();
      await sub.setSpotOracleMap();
      this.opts.logger.info({ perp: newPerp, spot: newSpot }, 'drift: subscribed markets the accounts started using');
    })().finally(() => { this.adding = undefined; });
    return this.adding;
  }

  /** Re-reads the wallets' own balances once they are older than WALLET_REFRESH_MS; a failed read keeps the last. */
  private async refreshWallets(): Promise<void> {
    const now = this.opts.clock.now();
    await Promise.all(this.authorities.map(async (a) => {
      const key = a.toBase58();
      const cached = this.wallets.get(key);
      if (cached && now - cached.at < WALLET_REFRESH_MS) return;
      try {
        this.wallets.set(key, { at: now, balances: await readWallet(this.connection, a) });
      } catch (err) {
        this.opts.logger.warn({ err, wallet: key }, 'could not read the wallet balances; keeping the last ones');
      }
    }));
  }

  /**
   * The wallets' SOL and tokens as spot positions outside the margin account, priced by the Drift oracle of the same
   * mint. Tokens Drift has no market for are listed as unpriced (by amount, never valued).
   */
  private walletPositions(): { positions: SpotPosition[]; unpriced: UnpricedHolding[] } {
    const out: SpotPosition[] = [];
    const unpriced: UnpricedHolding[] = [];
    for (const { balances } of this.wallets.values()) {
      const holdings = [...(balances.lamports > 0n ? [{ mint: SOL_MINT, amount: balances.lamports, decimals: 9 }] : []), ...balances.tokens];
      for (const t of holdings) {
        const index = spotMarketForMint(this.opts.env, t.mint);
        const market = index === undefined ? undefined : this.client.getSpotMarketAccount(index);
        if (index === undefined || !market) {
          unpriced.push({ venue: 'drift', owner: balances.authority, mint: t.mint, amount: { raw: t.amount, decimals: t.decimals } });
          continue;
        }
        const name = decodeName(market.name);
        const oracle = this.client.getOracleDataForSpotMarket(index).price;
        const valueUsd = (t.amount * BigInt(oracle.toString())) / 10n ** BigInt(t.decimals);
        out.push({
          id: `drift:${balances.authority}:wallet:${name}`, venue: 'drift', kind: 'spot', market: `${name} (wallet)`, asset: assetOf(name).asset,
          markPrice: priceOf(oracle), amount: { raw: t.amount, decimals: t.decimals }, isCollateral: false, entryPrice: null,
          unrealizedPnlUsd: null, liquidationPrice: null, weights: null, valueUsd, exposureUsd: valueUsd,
        });
      }
    }
    return { positions: out, unpriced };
  }

  /** Oracle price (USD) per asset of every subscribed market. */
  oraclePrices(): Record<string, number> {
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
