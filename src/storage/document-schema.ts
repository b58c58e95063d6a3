/**
 * The whole state file as a zod schema: what `openLowdbRepositories` checks before it writes anything. Objects are
 * strict (an unknown key is a problem, not something to drop) and nothing is coerced or defaulted, so a document that
 * passes is loaded exactly as it is on disk.
 */
import { z } from 'zod';
import { ALERT_RULE_NAMES } from '../domain/index.ts';
import { SETTINGS_SCHEMA } from '../ports/settings.ts';
import { SCHEMA_VERSION } from './schema.ts';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const epochMs = z.number().int().nonnegative();
const intText = z.string().regex(/^-?\d+$/, 'expected an integer as a decimal string');
const level = z.enum(['info', 'warning', 'critical', 'emergency']);
const role = z.enum(['viewer', 'trader', 'admin']);
const chat = z.strictObject({ platform: z.enum(['console', 'telegram', 'discord']), chatId: z.string() });
const rule = z.enum(ALERT_RULE_NAMES);

const snapshot = z.strictObject({
  at: epochMs, totalValueUsd: intText, unrealizedPnlUsd: intText, realizedPnlUsd: intText, health: finite, leverage: finite,
  prices: z.record(z.string(), finite),
});

const auditEntry = z.strictObject({ at: epochMs, actor: z.string(), action: z.string(), detail: z.record(z.string(), z.json()) });

const action = z.strictObject({
  id: z.string().min(1), kind: z.string().min(1), payload: z.json(), role, createdBy: z.string(), chat,
  createdAt: epochMs, expiresAt: epochMs, group: z.string().optional(),
});

const candles = z.strictObject({ t: z.array(finite), close: z.array(finite), coveredFrom: finite, coveredTo: finite });

const observation = z.strictObject({
  rule, market: z.string().optional(), level: z.union([level, z.literal('ok')]), value: finite.nullable(), threshold: finite.nullable(),
  title: z.string(), detail: z.string(), action: z.enum(['hedge', 'reduce', 'rebalance', 'recenter']).optional(),
  positionId: z.string().optional(),
});

const alertKey = z.strictObject({
  key: z.string(), rule, level: z.union([level, z.literal('ok')]), since: epochMs,
  lastSentAt: epochMs.nullable(), lastSentLevel: z.union([level, z.literal('ok')]).nullable(),
  lastAlertAt: epochMs.nullable(), lastAlertLevel: level.nullable(),
  acknowledgedAt: epochMs.optional(), ackedBy: z.string().optional(), snoozedUntil: epochMs.optional(),
  delivered: z.boolean(),
  lastEvent: z.strictObject({
    id: z.string(), kind: z.enum(['raised', 'escalated', 'repeat', 'recovered']), level, at: epochMs, observation,
  }).optional(),
  observation,
});

const alerts = z.strictObject({
  keys: z.record(z.string(), alertKey),
  mutes: z.partialRecord(rule, epochMs),
  snoozeUntil: epochMs.nullable(),
});

// Plans are stored with bigints and non-finite numbers tagged (see document-repos encodeBig).
const big = z.strictObject({ $bigint: intText });
const num = z.union([z.number(), z.strictObject({ $number: z.enum(['Infinity', '-Infinity', 'NaN']) })]);
const amount = z.strictObject({ raw: big, decimals: z.number().int().min(0).max(30) });
const side = z.enum(['buy', 'sell']);
const metrics = z.strictObject({
  delta: z.record(z.string(), num).optional(), health: num.optional(),
  liquidationPrices: z.record(z.string(), num.nullable()).optional(), var1dUsd: num.optional(),
  weights: z.record(z.string(), num).optional(), leverage: num.optional(),
  lp: z.strictObject({ priceLower: num, priceUpper: num, base: num, quote: num, valueUsd: num }).optional(),
});
const binId = z.number().int();
const lpLeg = z.discriminatedUnion('step', [
  z.strictObject({
    step: z.literal('remove'), pool: z.string(), position: z.string(), lowerBinId: binId, upperBinId: binId, base: amount, quote: amount,
    fractionBps: z.number().int().min(1).max(10_000),
  }),
  z.strictObject({ step: z.literal('swap'), pool: z.string(), sell: z.enum(['base', 'quote']), amountIn: amount, expectedOut: amount, minOut: amount }),
  z.strictObject({
    step: z.literal('add'), pool: z.string(), left: binId, right: binId, lowerBinId: binId, upperBinId: binId, base: amount, quote: amount,
    shape: z.enum(['spot', 'curve', 'bidask']),
  }),
]);
const actionKind = z.enum(['hedge', 'rebalance', 'protect', 'limits', 'recenter', 'withdraw', 'deposit', 'swap']);
const leg = z.strictObject({
  venue: z.string(), market: z.string(), kind: z.enum(['perp', 'spot', 'lp']), asset: z.string(), side, size: amount,
  refPrice: num, limitPrice: num, notionalUsd: big, estFeeUsd: big, estSlippageUsd: big, reduceOnly: z.boolean(), lp: lpLeg.optional(),
}).refine((l) => (l.kind === 'lp') === (l.lp !== undefined), 'a liquidity leg (kind lp) carries lp, and only it');
const plan = z.strictObject({
  id: z.string().min(1), kind: actionKind, title: z.string(),
  request: z.strictObject({ kind: actionKind, args: z.record(z.string(), z.union([z.string(), num, z.null()])) }),
  legs: z.array(leg), before: metrics, after: metrics, notes: z.array(z.string()),
  estimatedFeesUsd: big, estimatedSlippageUsd: big, notionalUsd: big,
  requestedBy: z.string(), requestedByName: z.string(), chat, createdAt: epochMs, expiresAt: epochMs,
  planHash: z.string(), mode: z.enum(['dry-run', 'paper', 'live']),
});
const fill = z.strictObject({
  market: z.string(), side, size: amount, avgPrice: num, feeUsd: big, realizedPnlUsd: big.optional(),
  step: z.enum(['remove', 'swap', 'add']).optional(), asset: z.string().optional(),
});
const approval = z.strictObject({
  planId: z.string(), state: z.enum(['pending', 'executing', 'executed', 'failed', 'cancelled', 'expired']), updatedAt: epochMs,
  decidedBy: z.string().optional(), signatures: z.array(z.string()), fills: z.array(fill), error: z.string().optional(),
  dryRun: z.boolean().optional(), validUntil: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
const approvalRecord = z.strictObject({ plan, approval }).refine((r) => r.plan.id === r.approval.planId, 'plan.id and approval.planId differ');

const paperFill = z.strictObject({
  at: epochMs, signature: z.string(), planId: z.string(), kind: z.enum(['perp', 'spot']), market: z.string(), side,
  sizeRaw: intText, priceRaw: intText, feeUsd: intText, realizedPnlUsd: intText,
});
const paperBook = z.strictObject({
  origin: z.string(), savedAt: epochMs, realizedPnlUsd: intText,
  spot: z.array(z.strictObject({ asset: z.string(), balance: intText, costBasis: intText })),
  perps: z.array(z.strictObject({ market: z.string(), base: intText, quoteEntry: intText, fundingPnl: intText, realizedPnl: intText })),
  lps: z.array(z.strictObject({
    id: z.string(), pool: z.string(), feesQuote: intText, depositedUsd: intText,
    bins: z.array(z.strictObject({ binId: z.number().int(), base: intText, quote: intText })),
  })),
  fills: z.array(paperFill),
  signatures: z.record(z.string(), z.enum(['confirmed', 'failed'])),
});

/** Records keyed by their own id must agree with it (a hand edit that renames one breaks lookups). */
function keyedBy<T extends z.ZodType>(value: T, idOf: (v: z.output<T>) => string) {
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    for (const [k, v] of Object.entries(rec)) {
      if (idOf(v) !== k) ctx.addIssue({ code: 'custom', path: [k], message: `stored under "${k}" but its id is "${idOf(v)}"` });
    }
  });
}

const lpBaseline = z.strictObject({
  id: z.string().min(1), since: epochMs, priceX: z.number().nonnegative(), priceY: z.number().nonnegative(),
  bins: z.array(z.strictObject({ binId: z.number().int(), reserveX: intText, reserveY: intText, totalSupply: intText })).max(64),
});

/** The current layout (SCHEMA_VERSION). */
export const STORE_SCHEMA = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  settings: SETTINGS_SCHEMA,
  snapshots: z.array(snapshot),
  audit: z.array(auditEntry),
  actions: keyedBy(action, (a) => a.id),
  candles: z.record(z.string(), candles),
  alerts,
  approvals: keyedBy(approvalRecord, (r) => r.plan.id),
  paper: paperBook.nullable(),
  lpBaselines: keyedBy(lpBaseline, (r) => r.id),
});

/**
 * What a file of an older version may hold: the sections it had then, each in its current shape (none changed shape
 * since it was added). A section from a later version is a problem, not data to drop.
 */
export function schemaForVersion(version: number): z.ZodType {
  const shape = STORE_SCHEMA.shape;
  const since: Record<string, number> = { candles: 2, alerts: 3, approvals: 4, paper: 5, lpBaselines: 7 };
  // v0 (no schemaVersion) had the v1 sections.
  const keys = Object.keys(shape).filter((k) => k !== 'schemaVersion' && (since[k] ?? 0) <= version) as (keyof typeof shape)[];
  const picked = Object.fromEntries(keys.map((k) => [k, shape[k].optional()]));
  return z.strictObject({ schemaVersion: version === 0 ? z.literal(0).optional() : z.literal(version), ...picked });
}
