/**
 * The paper ledger as a persisted record and back: exact integers as decimal strings, so a restart restores the same
 * positions, cash, LP bins and realised PnL to the last base unit.
 */
import { createHash } from 'node:crypto';
import type { PaperBookRecord, PaperFillRecord } from '../../ports/index.ts';
import type { Ledger } from './ledger.ts';
import { PERP_SPECS, POOL_SPECS } from './markets.ts';
import { PAPER_ASSETS, type PaperAsset } from './simulator.ts';
import type { StartingPortfolio } from './portfolio-file.ts';

/** Fills and signatures kept in the record at most; the oldest go first. */
export const MAX_BOOK_FILLS = 10_000;

/** Fingerprint of a starting portfolio: a book is restored only onto the portfolio it grew from. */
export function portfolioOrigin(p: StartingPortfolio): string {
  return createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 16);
}

/** The ledger's state, with the fills and signatures the executor keeps, as a record. */
export function bookOf(ledger: Ledger, extra: {
  origin: string; savedAt: number; fills: readonly PaperFillRecord[]; signatures: ReadonlyMap<string, 'confirmed' | 'failed'>;
}): PaperBookRecord {
  const sigs = [...extra.signatures].slice(-MAX_BOOK_FILLS);
  return {
    origin: extra.origin, savedAt: extra.savedAt, realizedPnlUsd: ledger.realizedPnl.toString(),
    spot: [...ledger.spot.values()].map((s) => ({ asset: s.asset, balance: s.balance.toString(), costBasis: s.costBasis.toString() })),
    perps: [...ledger.perps.values()].map((p) => ({
      market: p.market, base: p.base.toString(), quoteEntry: p.quoteEntry.toString(), fundingPnl: p.fundingPnl.toString(), realizedPnl: p.realizedPnl.toString(),
    })),
    lps: [...ledger.lps.values()].map((lp) => ({
      id: lp.id, pool: lp.pool, feesQuote: lp.feesQuote.toString(), depositedUsd: lp.depositedUsd.toString(),
      bins: [...lp.bins].sort(([a], [b]) => a - b).map(([binId, b]) => ({ binId, base: b.base.toString(), quote: b.quote.toString() })),
    })),
    fills: extra.fills.slice(-MAX_BOOK_FILLS),
    signatures: Object.fromEntries(sigs),
  };
}

/**
 * Replaces the ledger's books with a record's (prices stay the ledger's own). Throws RangeError naming the first thing
 * this build does not know (an asset, market or pool), before changing anything.
 */
export function restoreBook(ledger: Ledger, book: PaperBookRecord): void {
  for (const s of book.spot) if (!PAPER_ASSETS.includes(s.asset as PaperAsset)) throw new RangeError(`paper book: unknown asset ${s.asset}`);
  for (const p of book.perps) if (!Object.hasOwn(PERP_SPECS, p.market)) throw new RangeError(`paper book: unknown perp market ${p.market}`);
  for (const lp of book.lps) if (!Object.hasOwn(POOL_SPECS, lp.pool)) throw new RangeError(`paper book: unknown pool ${lp.pool}`);
  const draft = ledger.clone();
  for (const a of PAPER_ASSETS) draft.spot.set(a, { asset: a, balance: 0n, costBasis: 0n });
  for (const s of book.spot) draft.spot.set(s.asset as PaperAsset, { asset: s.asset as PaperAsset, balance: BigInt(s.balance), costBasis: BigInt(s.costBasis) });
  draft.perps.clear();
  for (const p of book.perps) {
    draft.perps.set(p.market, { market: p.market, base: BigInt(p.base), quoteEntry: BigInt(p.quoteEntry), fundingPnl: BigInt(p.fundingPnl), realizedPnl: BigInt(p.realizedPnl) });
  }
  draft.lps.clear();
  for (const lp of book.lps) {
    draft.lps.set(lp.id, {
      id: lp.id, pool: lp.pool, feesQuote: BigInt(lp.feesQuote), depositedUsd: BigInt(lp.depositedUsd),
      bins: new Map(lp.bins.map((b) => [b.binId, { base: BigInt(b.base), quote: BigInt(b.quote) }])),
    });
  }
  draft.realizedPnl = BigInt(book.realizedPnlUsd);
  ledger.adopt(draft);
}
