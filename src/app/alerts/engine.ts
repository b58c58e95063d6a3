/**
 * The alert engine: turns observations (rules.ts) into notifications, with state persisted per dedupe key through
 * AlertStateRepo, so a new engine on the same repo (a restart) continues where the old one left off.
 *
 * Per key it remembers the level the user was last told about (`lastSentLevel`). On each evaluation:
 *  - worse than what the user was told → 'raised' (nothing open) or 'escalated', at once — unless the same key was
 *    already notified at this level or higher less than the level's cooldown ago (a flap past the hysteresis band):
 *    then it waits, and is sent once the cooldown has passed if the level still holds;
 *  - the same level → nothing, except critical/emergency while unacknowledged: 'repeat' every repeat interval;
 *  - eased to a lower non-ok level → nothing is sent; the told level is lowered silently, so worsening again is news
 *    (still subject to the cooldown above), and repeats go on at the lower level if it is critical;
 *  - back to ok after something was sent → 'recovered', once.
 * Escalations and recoveries clear an acknowledgement; easing keeps it.
 *
 * Muted rules and snoozed keys (per key or all) send nothing; their state still follows the observations, and what
 * is due when the mute or snooze ends (a raise not yet sent, a recovery) is sent then. Decision: an event at
 * EMERGENCY level (raised, escalated, repeat, or the recovery of an emergency) breaks through a snooze — per key or
 * global — because a snooze is a "not now" for lesser news; a rule mute is an explicit choice and is never broken.
 *
 * Delivery: every event leaves the key `delivered: false` until `markDelivered(key, event.id)`; `undelivered()` lists
 * the events a crash or a failed send left unconfirmed, so the caller can retry them.
 */
import type { AlertLevel, AlertRule } from '../../domain/index.ts';
import type { AlertKeyState, AlertStateRepo, StoredAlertEvent, StoredAlertObservation } from '../../ports/index.ts';
import { DEFAULT_THRESHOLDS, LEVEL_RANK, type AlertThresholds, type LevelOrOk, type Observation } from './thresholds.ts';

export type AlertEventKind = 'raised' | 'escalated' | 'repeat' | 'recovered';

export interface AlertEvent {
  /** `${key}@${at}:${kind}`: what markDelivered expects. */
  readonly id: string;
  readonly kind: AlertEventKind;
  readonly key: string;
  /** The level notified; for 'recovered', the level that cleared. */
  readonly level: AlertLevel;
  readonly observation: Observation;
  readonly at: number;
}

/** An alert currently not ok, as the engine remembers it. */
export interface ActiveAlert {
  readonly key: string;
  readonly rule: AlertRule;
  readonly level: AlertLevel;
  readonly since: number;
  readonly observation: Observation;
  readonly notified: boolean;
  readonly acknowledgedAt?: number;
  readonly ackedBy?: string;
  readonly snoozedUntil?: number;
}

/** Levels that repeat until acknowledged. */
const REPEATING: ReadonlySet<LevelOrOk> = new Set<LevelOrOk>(['critical', 'emergency']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function toStored(o: Observation): StoredAlertObservation {
  return {
    rule: o.rule, ...(o.market === undefined ? {} : { market: o.market }), level: o.level,
    value: Number.isFinite(o.value) ? o.value : null, threshold: Number.isFinite(o.threshold) ? o.threshold : null,
    title: o.title, detail: o.detail, ...(o.action === undefined ? {} : { action: o.action }),
    ...(o.positionId === undefined ? {} : { positionId: o.positionId }),
  };
}

function fromStored(key: string, s: StoredAlertObservation): Observation {
  return {
    key, rule: s.rule, ...(s.market === undefined ? {} : { market: s.market }), level: s.level,
    value: s.value ?? Infinity, threshold: s.threshold ?? Infinity, title: s.title, detail: s.detail,
    ...(s.action === undefined ? {} : { action: s.action }),
    ...(s.positionId === undefined ? {} : { positionId: s.positionId }),
  };
}

function isOpen(s: AlertKeyState): boolean {
  return s.lastSentLevel !== null && s.lastSentLevel !== 'ok';
}

export class AlertEngine {
  private readonly repo: AlertStateRepo;
  private readonly thresholds: AlertThresholds;
  /** Serialises operations, so an acknowledge never interleaves with an evaluation. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(repo: AlertStateRepo, thresholds: AlertThresholds = DEFAULT_THRESHOLDS) {
    this.repo = repo;
    this.thresholds = thresholds;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Each known key's current level: the `previous` argument of evaluateRules. */
  levels(): Promise<Map<string, LevelOrOk>> {
    return this.serial(async () => new Map((await this.repo.getAll()).map((s) => [s.key, s.level])));
  }

  /** Applies observations taken at `now` (one per key; a later duplicate wins) and returns what to send. */
  evaluate(observations: readonly Observation[], now: number): Promise<AlertEvent[]> {
    return this.serial(async () => {
      const byKey = new Map(observations.map((o) => [o.key, o]));
      const states = new Map((await this.repo.getAll()).map((s) => [s.key, s]));
      const mutes = await this.repo.getMutes();
      const globalSnooze = await this.repo.getSnooze();
      const events: AlertEvent[] = [];
      const changed: AlertKeyState[] = [];
      for (const obs of byKey.values()) {
        const prev = states.get(obs.key);
        // Nothing to remember about a key that has only ever been ok.
        if (!prev && obs.level === 'ok') continue;
        const s: Mutable<AlertKeyState> = prev ? { ...prev } : {
          key: obs.key, rule: obs.rule, level: 'ok', since: now, lastSentAt: null, lastSentLevel: null,
          lastAlertAt: null, lastAlertLevel: null, delivered: true, observation: toStored(obs),
        };
        let dirty = !prev;
        if (s.level !== obs.level) {
          s.level = obs.level;
          s.since = now;
          s.observation = toStored(obs);
          dirty = true;
        }
        if (s.snoozedUntil !== undefined && s.snoozedUntil <= now) {
          delete s.snoozedUntil;
          dirty = true;
        }
        const told = s.lastSentLevel ?? 'ok';
        const L = obs.level;
        // Eased below what the user was told, still not ok: lower the told level silently.
        if (L !== 'ok' && told !== 'ok' && LEVEL_RANK[L] < LEVEL_RANK[told]) {
          s.lastSentLevel = L;
          dirty = true;
        }
        const due = this.due(s, L, now);
        if (due) {
          const muted = (mutes[s.rule] ?? -Infinity) > now;
          const snoozed = (s.snoozedUntil ?? -Infinity) > now || (globalSnooze ?? -Infinity) > now;
          if (!muted && (!snoozed || due.level === 'emergency')) {
            const event: AlertEvent = { id: `${s.key}@${now}:${due.kind}`, kind: due.kind, key: s.key, level: due.level, observation: obs, at: now };
            s.observation = toStored(obs);
            s.lastSentAt = now;
            if (due.kind === 'recovered') {
              s.lastSentLevel = 'ok';
            } else {
              s.lastSentLevel = due.level;
              s.lastAlertAt = now;
              s.lastAlertLevel = due.level;
            }
            if (due.kind !== 'repeat') {
              delete s.acknowledgedAt;
              delete s.ackedBy;
            }
            const stored: StoredAlertEvent = { id: event.id, kind: event.kind, level: event.level, at: now, observation: s.observation };
            s.lastEvent = stored;
            s.delivered = false;
            events.push(event);
            dirty = true;
          }
        }
        if (dirty) changed.push(s);
      }
      await this.repo.putMany(changed);
      return events;
    });
  }

  /** The notification `s` is due at level `L` (already applied to `s`), ignoring mutes and snoozes. */
  private due(s: AlertKeyState, L: LevelOrOk, now: number): { kind: AlertEventKind; level: AlertLevel } | null {
    const told = s.lastSentLevel ?? 'ok';
    if (L === 'ok') return told === 'ok' ? null : { kind: 'recovered', level: told };
    if (LEVEL_RANK[L] > LEVEL_RANK[told]) {
      const recent = s.lastAlertAt !== null && s.lastAlertLevel !== null && LEVEL_RANK[L] <= LEVEL_RANK[s.lastAlertLevel]
        && now - s.lastAlertAt < this.thresholds.cooldownMs[L];
      if (recent) return null;
      return { kind: told === 'ok' ? 'raised' : 'escalated', level: L };
    }
    if (REPEATING.has(L) && s.acknowledgedAt === undefined && s.lastSentAt !== null && now - s.lastSentAt >= this.thresholds.repeatMs) {
      return { kind: 'repeat', level: L };
    }
    return null;
  }

  /** Stops the repeats of an active alert until it escalates or recovers; false if `key` is not active. */
  acknowledge(key: string, by: string, now: number): Promise<boolean> {
    return this.serial(async () => {
      const s = await this.repo.get(key);
      if (!s || s.level === 'ok') return false;
      await this.repo.put({ ...s, acknowledgedAt: now, ackedBy: by });
      return true;
    });
  }

  /** Silences one key, or every key with 'all', until `until` (a time ≤ now lifts it); false for an unknown key. */
  snooze(target: string, until: number): Promise<boolean> {
    return this.serial(async () => {
      if (target === 'all') {
        await this.repo.setSnooze(until);
        return true;
      }
      const s = await this.repo.get(target);
      if (!s) return false;
      await this.repo.put({ ...s, snoozedUntil: until });
      return true;
    });
  }

  /** Silences a rule for every key until `until`; null unmutes. */
  mute(rule: AlertRule, until: number | null): Promise<void> {
    return this.serial(() => this.repo.setMute(rule, until));
  }

  /** Confirms that the key's last event was sent; false when `eventId` is not that event (stale or unknown). */
  markDelivered(key: string, eventId: string): Promise<boolean> {
    return this.serial(async () => {
      const s = await this.repo.get(key);
      if (s?.lastEvent?.id !== eventId) return false;
      if (!s.delivered) await this.repo.put({ ...s, delivered: true });
      return true;
    });
  }

  /** The last event of each key not confirmed delivered, oldest first. */
  undelivered(): Promise<AlertEvent[]> {
    return this.serial(async () => (await this.repo.getAll())
      .flatMap((s): AlertEvent[] => (!s.delivered && s.lastEvent
        ? [{ id: s.lastEvent.id, kind: s.lastEvent.kind, key: s.key, level: s.lastEvent.level, observation: fromStored(s.key, s.lastEvent.observation), at: s.lastEvent.at }]
        : []))
      .sort((a, b) => a.at - b.at));
  }

  /** Alerts whose level is not ok, most severe first, then oldest first. */
  active(): Promise<ActiveAlert[]> {
    return this.serial(async () => (await this.repo.getAll())
      .filter((s): s is AlertKeyState & { level: AlertLevel } => s.level !== 'ok')
      .map((s): ActiveAlert => ({
        key: s.key, rule: s.rule, level: s.level, since: s.since, observation: fromStored(s.key, s.observation), notified: isOpen(s),
        ...(s.acknowledgedAt === undefined ? {} : { acknowledgedAt: s.acknowledgedAt }),
        ...(s.ackedBy === undefined ? {} : { ackedBy: s.ackedBy }),
        ...(s.snoozedUntil === undefined ? {} : { snoozedUntil: s.snoozedUntil }),
      }))
      .sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.since - b.since));
  }

  /** Current mutes (rule → until) and global snooze, expired ones left out. */
  silences(now: number): Promise<{ mutes: Partial<Record<AlertRule, number>>; snoozeUntil: number | null }> {
    return this.serial(async () => {
      const mutes = Object.fromEntries(Object.entries(await this.repo.getMutes()).filter(([, until]) => until > now)) as Partial<Record<AlertRule, number>>;
      const g = await this.repo.getSnooze();
      return { mutes, snoozeUntil: g !== null && g > now ? g : null };
    });
  }
}
