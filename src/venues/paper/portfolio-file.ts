/** The starting portfolio of the paper venue: a JSON file, validated, applied to a fresh ledger. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../shared/errors.ts';
import { fromNumber, parseDecimal, USD_DECIMALS } from '../../shared/money.ts';
import { valueOf, type Ledger } from './ledger.ts';
import { PERP_SPECS, POOL_SPECS, PRICE_DECIMALS, SPOT_SPECS } from './markets.ts';
import { PAPER_ASSETS, type PaperAsset } from './simulator.ts';
import defaultPortfolio from './default-portfolio.json' with { type: 'json' };

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number as a string, e.g. "12.5"');
const asset = z.enum(PAPER_ASSETS as [PaperAsset, ...PaperAsset[]]);

export const StartingPortfolioSchema = z.object({
  description: z.string().optional(),
  spot: z.array(z.object({ asset, amount: decimal, entryPrice: z.number().positive().optional() }).strict()).default([]),
  perps: z.array(z.object({
    market: z.string().refine((m) => m in PERP_SPECS, { message: `one of ${Object.keys(PERP_SPECS).join(', ')}` }),
    /** Signed contracts: positive long, negative short. */
    size: decimal,
    /** USD per contract, as the market quotes it (1MBONK-PERP: per million BONK). */
    entryPrice: z.number().positive(),
  }).strict()).default([]),
  lp: z.array(z.object({
    pool: z.string().refine((p) => p in POOL_SPECS, { message: `one of ${Object.keys(POOL_SPECS).join(', ')}` }),
    valueUsd: decimal,
    /** Half-width of the bin range around the current price, fraction (0.08 = ±8%). */
    rangePct: z.number().gt(0).lt(0.9),
  }).strict()).default([]),
}).strict();

export type StartingPortfolio = z.infer<typeof StartingPortfolioSchema>;

/** The built-in demo portfolio. */
export const DEFAULT_PORTFOLIO: StartingPortfolio = StartingPortfolioSchema.parse(defaultPortfolio);

/** Reads and validates a portfolio file; a UserError names the file and the first problem. */
export function loadPortfolioFile(path: string): StartingPortfolio {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError('bad_argument', `${path}: cannot read a JSON portfolio (${(err as Error).message})`);
  }
  const parsed = StartingPortfolioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError('bad_argument', `${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Applies a starting portfolio to an empty ledger at its current prices. */
export function applyPortfolio(ledger: Ledger, p: StartingPortfolio): void {
  for (const s of p.spot) {
    const spec = SPOT_SPECS[s.asset];
    const raw = parseDecimal(s.amount, spec.decimals);
    const cost = s.entryPrice === undefined ? undefined : valueOf(raw, spec.decimals, fromNumber(s.entryPrice, PRICE_DECIMALS));
    ledger.deposit(s.asset, raw, cost);
  }
  for (const perp of p.perps) ledger.openPerpAt(perp.market, parseDecimal(perp.size, 9), perp.entryPrice);
  p.lp.forEach((lp, i) => ledger.addLp(`lp${i + 1}`, lp.pool, parseDecimal(lp.valueUsd, USD_DECIMALS), lp.rangePct));
}
