/**
 * Saros DLMM as a position source: every liquidity position of the configured wallets (SAROS_WALLETS), valued with
 * bigint bin arithmetic and USD prices from the process's price source (Drift oracles or the history source).
 */
import { Connection, PublicKey } from '@solana/web3.js';
import type { LpPosition, UnpricedHolding } from '../../domain/index.ts';
import type { Clock, LiquidityShape, LiquidityVenue, LpBaselineRecord, LpBaselineRepo, PositionSource, LiquidityPreview, VenueSnapshot } from '../../ports/index.ts';
import { VenueError } from '../../shared/errors.ts';
import { parseDecimal } from '../../shared/money.ts';
import type { Logger } from '../../shared/logger.ts';
import { binArrayAddress, decodeBinArray, decodePair, sarosServices } from './accounts.ts';
import { sinceBaseline } from './baseline.ts';
import { planDeposit, planSwap, planWithdraw, type PoolState } from './actions.ts';
import { binArrayIndex, SarosMathError, usdMicros, type BinState } from './math.ts';
import { planRecenter } from './recenter.ts';
import { toLpPosition, type LpEstimates } from './mapping.ts';
import { SarosReader, type LoadedPosition } from './reader.ts';

export interface SarosVenueOptions {
  readonly rpcUrl: string;
  /** Wallet addresses (base58) whose positions are watched. */
  readonly owners: readonly string[];
  /** The asset symbol of a mint ("SOL", "USDC"), or undefined for a token Vigil has no name for. */
  readonly symbolOf: (mint: string) => string | undefined;
  /** Latest USD prices of `symbols` (missing ones omitted). */
  readonly prices: (symbols: readonly string[]) => Promise<Readonly<Record<string, number>>>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where positions' baselines are kept across restarts (the state file); in memory without it. */
  readonly baselines?: LpBaselineRepo;
}

/** Runs a pure planner: its refusals (RangeError, a pool it cannot quote) become venue errors a person can read. */
function planned(plan: () => LiquidityPreview): LiquidityPreview {
  try {
    return plan();
  } catch (err) {
    if (err instanceof RangeError || err instanceof SarosMathError) throw new VenueError('saros', err.message);
    throw err;
  }
}

/** `text` (a decimal as typed) as exact base units of a token with `decimals`; refused with the token's name. */
function amountOf(text: string, decimals: number, symbol: string): bigint {
  // Exact or refused: a digit beyond the token's decimals would be rounded away, a sign is not an amount.
  const m = /^\d+(?:\.(\d+))?$/.exec(text.trim());
  if (!m || (m[1] ?? '').slice(decimals).replace(/0/g, '') !== '') {
    throw new VenueError('saros', `${text} is not an amount of ${symbol} (at most ${decimals} decimals)`);
  }
  return parseDecimal(text, decimals);
}

/** Baselines kept in memory when no repository is given (tests, benchmarks). */
function memoryBaselines(): LpBaselineRepo {
  const m = new Map<string, LpBaselineRecord>();
  return {
    get: (id) => Promise.resolve(m.get(id)),
    put: (r) => Promise.resolve(void m.set(r.id, r)),
    prune: (venue, held) => Promise.resolve(void [...m.keys()].filter((k) => k.startsWith(`${venue}:`) && !held.includes(k)).forEach((k) => m.delete(k))),
  };
}

/** Reads and values Saros positions on demand (each snapshot: ≤ 4 RPC calls, 3 once mint decimals are cached). */
export class SarosVenue implements PositionSource, LiquidityVenue {
  readonly venue = 'saros' as const;
  readonly label = 'Saros DLMM';
  readonly connection: Connection;
  readonly sdk: ReturnType<typeof sarosServices>;
  private readonly reader: SarosReader;
  private readonly baselines: LpBaselineRepo;
  private last: LoadedPosition[] = [];
  private readonly opts: SarosVenueOptions;

  constructor(opts: SarosVenueOptions) {
    this.opts = opts;
    this.baselines = opts.baselines ?? memoryBaselines();
    for (const o of opts.owners) new PublicKey(o); // throws on a bad address before anything is read
    this.connection = new Connection(opts.rpcUrl, { commitment: 'confirmed' });
    this.sdk = sarosServices(opts.rpcUrl);
    // The SDK builds its own Connection from the URL; share ours so every call goes through one client.
    this.sdk.connection = this.connection;
    this.reader = new SarosReader(this.connection, this.sdk.lbProgram.coder, this.sdk.lbProgram.programId);
  }

  /** The positions as last read (for planners and alerts that need the raw bins). */
  loaded(): readonly LoadedPosition[] {
    return this.last;
  }

  /**
   * Plans a re-center on fresh chain state (2 RPC calls: the pair, then the bin arrays of the position's range and
   * around the active bin) and the current prices.
   */
  async previewRecenter(positionId: string, o: { readonly width?: number; readonly shape: LiquidityShape; readonly slippageBps?: number }): Promise<LiquidityPreview> {
    const loaded = await this.position(positionId);
    const pool = await this.readPool(loaded.pair.address, loaded.position);
    return planned(() => planRecenter({
      ...pool, positionId, position: loaded.position, ...(o.width === undefined ? {} : { width: o.width }), shape: o.shape,
      ...(o.slippageBps === undefined ? {} : { slippageBps: o.slippageBps }),
    }));
  }

  /** Plans taking a share of a position's liquidity out, on fresh chain state (2 RPC calls). */
  async previewWithdraw(positionId: string, o: { readonly fractionBps: number }): Promise<LiquidityPreview> {
    const loaded = await this.position(positionId);
    const pool = await this.readPool(loaded.pair.address, loaded.position);
    return planned(() => planWithdraw({ ...pool, positionId, position: loaded.position, fractionBps: o.fractionBps }));
  }

  /** Plans a new position on `pool` around its price, amounts as typed (exact to the token's decimals). */
  async previewDeposit(pool: string, o: { readonly base: string; readonly quote: string; readonly width: number; readonly shape: LiquidityShape }): Promise<LiquidityPreview> {
    const state = await this.readPool(await this.pairOf(pool));
    const base = amountOf(o.base, state.decimalsX, state.symbolX);
    const quote = amountOf(o.quote, state.decimalsY, state.symbolY);
    return planned(() => planDeposit({ ...state, base, quote, width: o.width, shape: o.shape }));
  }

  /** Plans selling `amount` of `sell` (the pool's base or quote symbol) on `pool`, quoted from its bins. */
  async previewSwap(pool: string, o: { readonly sell: string; readonly amount: string; readonly slippageBps?: number }): Promise<LiquidityPreview> {
    const state = await this.readPool(await this.pairOf(pool));
    const sell = o.sell.toUpperCase() === state.symbolX.toUpperCase() ? 'base' : o.sell.toUpperCase() === state.symbolY.toUpperCase() ? 'quote' : null;
    if (!sell) throw new VenueError('saros', `${o.sell} is not a token of ${state.symbolX}/${state.symbolY}`);
    const amountIn = amountOf(o.amount, sell === 'base' ? state.decimalsX : state.decimalsY, o.sell);
    return planned(() => planSwap({ ...state, sell, amountIn, ...(o.slippageBps === undefined ? {} : { slippageBps: o.slippageBps }) }));
  }

  /** A watched position by id (read again if it is not among the last read). */
  private async position(positionId: string): Promise<LoadedPosition> {
    if (!this.last.some((p) => `saros:${p.position.address}` === positionId)) await this.snapshot();
    const loaded = this.last.find((p) => `saros:${p.position.address}` === positionId);
    if (!loaded) throw new VenueError('saros', `no Saros position ${positionId} in the watched wallets`);
    return loaded;
  }

  /** The pair address of `pool`: a pair address as given, or "BASE/QUOTE" among the pools of the watched positions. */
  private async pairOf(pool: string): Promise<string> {
    if (/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(pool)) return pool;
    if (this.last.length === 0) await this.snapshot();
    const label = pool.toUpperCase();
    const pairs = new Set(this.last.filter((p) => `${this.opts.symbolOf(p.pair.tokenMintX) ?? '?'}/${this.opts.symbolOf(p.pair.tokenMintY) ?? '?'}`.toUpperCase() === label).map((p) => p.pair.address));
    const [only, ...more] = [...pairs];
    if (!only) throw new VenueError('saros', `no ${pool} pool among your Saros positions: give the pair's address`);
    if (more.length > 0) throw new VenueError('saros', `${pool} names ${pairs.size} pools (bin steps differ): give the pair's address`);
    return only;
  }

  /**
   * A pool as read now (2 RPC calls: the pair, then the bin arrays around the active bin and of `range`), with its
   * tokens' names, decimals (cached) and USD prices.
   */
  private async readPool(address: string, range?: { readonly lowerBinId: number; readonly upperBinId: number }): Promise<PoolState> {
    const coder = this.sdk.lbProgram.coder;
    const pairKey = new PublicKey(address);
    const pairInfo = await this.connection.getAccountInfo(pairKey);
    if (!pairInfo) throw new VenueError('saros', `pair ${address} not found`);
    const pair = decodePair(coder, address, pairInfo.data);
    const indexes = new Set<number>();
    if (range) for (let k = binArrayIndex(range.lowerBinId); k <= binArrayIndex(range.upperBinId); k++) indexes.add(k);
    for (const k of [-1, 0, 1]) indexes.add(binArrayIndex(pair.activeId) + k);
    const keys = [...indexes].map((k) => binArrayAddress(pairKey, k, this.sdk.lbProgram.programId));
    const infos = await this.connection.getMultipleAccountsInfo(keys);
    const bins = new Map<number, BinState>();
    infos.forEach((info, n) => {
      if (!info) return;
      const a = decodeBinArray(coder, keys[n]!.toBase58(), info.data);
      a.bins.forEach((b, slot) => bins.set(a.index * 256 + slot, b));
    });
    const [decimalsX, decimalsY] = await this.reader.mintDecimals([pair.tokenMintX, pair.tokenMintY]);
    const symbolX = this.opts.symbolOf(pair.tokenMintX);
    const symbolY = this.opts.symbolOf(pair.tokenMintY);
    const prices = symbolX && symbolY ? await this.opts.prices([symbolX, symbolY]) : {};
    const priceX = symbolX ? prices[symbolX] : undefined;
    const priceY = symbolY ? prices[symbolY] : undefined;
    if (!symbolX || !symbolY || priceX === undefined || priceY === undefined || decimalsX === undefined || decimalsY === undefined) {
      throw new VenueError('saros', `no USD price for the tokens of pair ${pair.address}`);
    }
    return { pair, decimalsX, decimalsY, bins, symbolX, symbolY, priceX, priceY, nowSeconds: Math.floor(this.opts.clock.now() / 1000) };
  }

  /**
   * Fees, HODL and deposit of `p` since its baseline; bins seen for the first time are recorded now (their fees count
   * from now). Prices are USD per token.
   */
  private async estimates(p: LoadedPosition, priceX: number, priceY: number): Promise<LpEstimates> {
    const id = `saros:${p.position.address}`;
    const stored = await this.baselines.get(id);
    const baseline = new Map<number, BinState>((stored?.bins ?? []).map((b) => [b.binId, { reserveX: BigInt(b.reserveX), reserveY: BigInt(b.reserveY), totalSupply: BigInt(b.totalSupply) }]));
    const r = sinceBaseline({ shares: p.position.shares, lowerBinId: p.position.lowerBinId, binStep: p.pair.binStep, bins: (b) => p.bins.get(b), baseline });
    const since = stored?.since ?? this.opts.clock.now();
    const record: LpBaselineRecord = stored ?? { id, since, priceX, priceY, bins: [] };
    if (r.unrecorded.length > 0) {
      const added = r.unrecorded.map((binId) => {
        const b = p.bins.get(binId) as BinState;
        return { binId, reserveX: b.reserveX.toString(), reserveY: b.reserveY.toString(), totalSupply: b.totalSupply.toString() };
      });
      await this.baselines.put({ ...record, bins: [...record.bins.filter((b) => !r.unrecorded.includes(b.binId)), ...added].sort((a, b) => a.binId - b.binId) });
    }
    const { decimalsX: dx, decimalsY: dy } = p;
    return {
      feesUsd: usdMicros(r.feesY, dy, priceY),
      hodlUsd: usdMicros(r.hodlX, dx, priceX) + usdMicros(r.hodlY, dy, priceY),
      // The deposit: those tokens at the prices when the baseline was first recorded.
      depositedUsd: usdMicros(r.hodlX, dx, record.priceX) + usdMicros(r.hodlY, dy, record.priceY),
      since,
    };
  }

  async snapshot(): Promise<VenueSnapshot> {
    const loaded = await this.reader.read(this.opts.owners);
    this.last = loaded;
    const symbols = new Set<string>();
    for (const p of loaded) {
      for (const m of [p.pair.tokenMintX, p.pair.tokenMintY]) {
        const s = this.opts.symbolOf(m);
        if (s) symbols.add(s);
      }
    }
    const prices = symbols.size === 0 ? {} : await this.opts.prices([...symbols]);
    const positions: LpPosition[] = [];
    const unpriced: UnpricedHolding[] = [];
    for (const p of loaded) {
      const symbolX = this.opts.symbolOf(p.pair.tokenMintX);
      const symbolY = this.opts.symbolOf(p.pair.tokenMintY);
      const priceX = symbolX === undefined ? undefined : prices[symbolX];
      const priceY = symbolY === undefined ? undefined : prices[symbolY];
      if (symbolX === undefined || symbolY === undefined || priceX === undefined || priceY === undefined) {
        // A pair Vigil cannot price is listed by its position NFT, never valued.
        unpriced.push({ venue: 'saros', owner: p.owner, mint: p.position.positionMint, amount: { raw: 1n, decimals: 0 } });
        continue;
      }
      positions.push(toLpPosition(p, { symbolX, symbolY, priceX, priceY }, await this.estimates(p, priceX, priceY)));
    }
    // Closed positions' baselines go (only after a full read: `loaded` holds every position of the wallets).
    await this.baselines.prune('saros', loaded.map((p) => `saros:${p.position.address}`));
    return { venue: 'saros', positions, margin: null, prices, realizedPnlUsd: 0n, unpriced, asOf: this.opts.clock.now() };
  }
}
