/**
 * The settings the app keeps in storage: an allow-list of keys, each with the zod schema its value must satisfy. The
 * state file is checked against it on load and every `SettingsRepo.set` before it is written, so a hand-edited
 * `"health_warning": "lots"` is refused instead of silently disabling an alert, and `/thresholds set __proto__ 5`
 * has nowhere to go.
 */
import { z } from 'zod';
import { EDITABLE_THRESHOLDS, LIMIT_SPECS } from '../domain/index.ts';

/** Settings keys, one name each. */
export const SETTINGS = {
  riskLimits: 'risk-limits',
  alertThresholds: 'alert-thresholds',
  targetWeights: 'target-weights',
  alertSubscriptions: 'alert-subscriptions',
} as const;
export type SettingsKey = (typeof SETTINGS)[keyof typeof SETTINGS];

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

/** A range: [min, max], or (min, max) when `exclusive`; whole numbers only when `integer`. */
interface Range {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly exclusive?: boolean;
}

const ranged = (spec: Range) => {
  const bounded = spec.exclusive ? finite.gt(spec.min).lt(spec.max) : finite.min(spec.min).max(spec.max);
  return spec.integer ? bounded.int() : bounded;
};

function rangedObject<K extends string>(specs: Readonly<Record<K, Range>>) {
  const shape = Object.fromEntries(Object.entries(specs).map(([k, spec]) => [k, ranged(spec as Range).optional()]));
  return z.strictObject(shape as Record<K, z.ZodOptional<z.ZodNumber>>);
}

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

/** Each allowed key's value. */
export const SETTINGS_VALUE_SCHEMAS = {
  [SETTINGS.riskLimits]: rangedObject(LIMIT_SPECS),
  [SETTINGS.alertThresholds]: rangedObject(EDITABLE_THRESHOLDS),
  // Long-only weights are 0…1; a long-short target carries its gross cap (a fraction of capital) and Σ|w| stays within it.
  [SETTINGS.targetWeights]: z.strictObject({
    weights: z.record(z.string(), finite.min(-10).max(10)), source: z.string(), setAt: z.number().int().nonnegative(), setBy: z.string(),
    grossCap: ranged({ min: 1, max: 10 }).optional(),
  }).refine((t) => (t.grossCap === undefined
    ? Object.values(t.weights).every((w) => w >= 0 && w <= 1)
    : Object.values(t.weights).reduce((s, w) => s + Math.abs(w), 0) <= t.grossCap + 1e-6), 'weights: 0…1 each long-only; long-short, Σ|w| ≤ grossCap'),
  [SETTINGS.alertSubscriptions]: z.array(z.strictObject({
    chat: z.strictObject({ platform: z.enum(['console', 'telegram', 'discord']), chatId: z.string() }),
    quiet: z.strictObject({ from: HHMM, to: HHMM, timeZone: z.string().min(1) }).nullable(),
  })),
} as const satisfies Record<SettingsKey, z.ZodType>;

/** The whole `settings` section of the state file. */
export const SETTINGS_SCHEMA = z.strictObject(
  Object.fromEntries(Object.entries(SETTINGS_VALUE_SCHEMAS).map(([k, s]) => [k, s.optional()])) as {
    [K in SettingsKey]: z.ZodOptional<(typeof SETTINGS_VALUE_SCHEMAS)[K]>
  },
);

/** Whether `key` is a settings key (an own property of the allow-list, never an inherited name like "toString"). */
export function isSettingsKey(key: string): key is SettingsKey {
  return Object.hasOwn(SETTINGS_VALUE_SCHEMAS, key);
}

/** Checks `value` for settings key `key`; returns a one-line problem, or null when it may be stored. */
export function settingsProblem(key: string, value: unknown): string | null {
  if (!isSettingsKey(key)) return `"${key}" is not a setting`;
  const r = SETTINGS_VALUE_SCHEMAS[key].safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0];
  return `${key}${issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`;
}
