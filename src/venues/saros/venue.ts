/**
 * Saros DLMM as a position source: every liquidity position of the configured wallets (SAROS_WALLETS), valued with
 * bigint bin arithmetic and USD prices from the process's price source (Drift oracles or the history source).
 */
import { Connection, PublicKey } from '@solana/web3.js';
import type { LpPosition, UnpricedHolding } from '../../domain/index.ts';
import type { Clock, PositionSource, VenueSnapshot } from '../../ports/index.ts';
import type { Logger } from '../../shared/logger.ts';
import { sarosServices } from './accounts.ts';
import { toLpPosition } from './mapping.ts';
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
}

/** Reads and values Saros positions on demand (each snapshot: ≤ 4 RPC calls, 3 once mint decimals are cached). */
export class SarosVenue implements PositionSource {
  readonly venue = 'saros' as const;
  readonly label = 'Saros DLMM';
  readonly connection: Connection;
  readonly sdk: ReturnType<typeof sarosServices>;
  private readonly reader: SarosReader;
  /** Value when Vigil first saw each position (micro-USD): the base of "PnL vs deposit" until deposits are recorded. */
  private readonly firstSeen = new Map<string, bigint>();
  private last: LoadedPosition[] = [];
  private readonly opts: SarosVenueOptions;

  constructor(opts: SarosVenueOptions) {
    this.opts = opts;
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
      const pos = toLpPosition(p, { symbolX, symbolY, priceX, priceY }, this.firstSeen.get(p.position.address) ?? null);
      if (!this.firstSeen.has(p.position.address)) this.firstSeen.set(p.position.address, pos.valueUsd);
      positions.push(pos);
    }
    return { venue: 'saros', positions, margin: null, prices, realizedPnlUsd: 0n, unpriced, asOf: this.opts.clock.now() };
  }
}
