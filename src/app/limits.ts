/** Risk limits: defaults from seed 003, overrides kept in settings, every change audited. */
import { actorKey, DEFAULT_RISK_LIMITS, LIMIT_ALIASES, LIMIT_SPECS, type Actor, type RiskLimits } from '../domain/index.ts';
import type { AuditRepo, Clock, SettingsRepo } from '../ports/index.ts';
import { SETTINGS } from '../ports/settings.ts';
import { UserError } from '../shared/errors.ts';

const SETTINGS_KEY = SETTINGS.riskLimits;

export class LimitsService {
  private readonly settings: SettingsRepo;
  private readonly audit: AuditRepo;
  private readonly clock: Clock;

  constructor(settings: SettingsRepo, audit: AuditRepo, clock: Clock) {
    this.settings = settings;
    this.audit = audit;
    this.clock = clock;
  }

  /** Current limits: defaults overridden by stored values (ignoring any stored value that no longer validates). */
  async get(): Promise<RiskLimits> {
    const stored = await this.settings.get(SETTINGS_KEY);
    const out: Record<string, number> = { ...DEFAULT_RISK_LIMITS };
    if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
      for (const [k, v] of Object.entries(stored)) {
        const spec = Object.hasOwn(LIMIT_SPECS, k) ? LIMIT_SPECS[k as keyof RiskLimits] : undefined;
        if (spec && typeof v === 'number' && v >= spec.min && v <= spec.max) out[k] = v;
      }
    }
    return out as unknown as RiskLimits;
  }

  /** Sets one limit (by alias or full name) after range checks; returns the new limits. */
  async set(name: string, value: number, actor: Actor): Promise<RiskLimits> {
    // Own properties only: "toString" or "__proto__" must not name a limit through the prototype.
    const alias = name.toLowerCase();
    const key = Object.hasOwn(LIMIT_ALIASES, alias) ? LIMIT_ALIASES[alias] : Object.hasOwn(LIMIT_SPECS, name) ? (name as keyof RiskLimits) : undefined;
    if (!key) throw new UserError('bad_argument', `"${name}" is not a limit.`, `Limits: ${Object.keys(LIMIT_ALIASES).join(', ')}`);
    const spec = LIMIT_SPECS[key];
    if (!Number.isFinite(value) || value < spec.min || value > spec.max) {
      throw new UserError('bad_argument', `${name}: expected a value from ${spec.min} to ${spec.max}, got ${value}.`);
    }
    const before = await this.get();
    const stored = await this.settings.get(SETTINGS_KEY);
    const next = { ...(stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {}), [key]: value };
    await this.settings.set(SETTINGS_KEY, next);
    await this.audit.append({
      at: this.clock.now(), actor: actorKey(actor), action: 'limits.set', detail: { key, from: before[key], to: value },
    });
    return this.get();
  }
}
