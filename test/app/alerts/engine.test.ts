/**
 * The alert engine on a manual clock and the memory repositories (lowdb for persistence across reopen): hysteresis
 * end to end, cooldown, escalation, repeats until acknowledged, recovery, mute and snooze, restarts, per-market keys,
 * delivery confirmation, and a property: raises + escalations never outnumber threshold crossings.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AlertEngine, DEFAULT_THRESHOLDS, evaluateRules, type AlertEvent, type MonitorInput, type Observation,
} from '../../../src/app/alerts/index.ts';
import type { AlertStateRepo } from '../../../src/ports/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { openLowdbRepositories } from '../../../src/storage/lowdb/index.ts';
import { memoryRepositories } from '../../../src/storage/memory/index.ts';
import { SCHEMA_VERSION } from '../../../src/storage/schema.ts';
import { book, healthInput, input, margin, MIN, perp, T0, venue } from './fixtures.ts';

const HEALTH = 'main:health:paper';

/** An engine fed by the rules: `health(h)` evaluates a book whose only margin account has health h, now. */
function harness(repo: AlertStateRepo = memoryRepositories().alerts, clock = new ManualClock(T0)) {
  let engine = new AlertEngine(repo);
  const run = async (make: (now: number) => MonitorInput): Promise<AlertEvent[]> => {
    const previous = await engine.levels();
    return engine.evaluate(evaluateRules(make(clock.now()), DEFAULT_THRESHOLDS, previous), clock.now());
  };
  return {
    clock,
    repo,
    get engine() {
      return engine;
    },
    /** A new engine on the same repository: what a process restart does. */
    restart() {
      engine = new AlertEngine(repo);
    },
    run,
    health: (h: number) => run((now) => healthInput(h, now)),
  };
}

type Harness = ReturnType<typeof harness>;

/** "kind:level" of each event, compact for assertions. */
function kinds(events: readonly AlertEvent[]): string[] {
  return events.map((e) => `${e.kind}:${e.level}`);
}

/**
 * Feeds `values` one per `stepMs`, the first at the current time, and leaves the clock one step after the last;
 * returns every event as "<minutes since T0>m kind:level".
 */
async function feed(h: Harness, values: readonly number[], stepMs = MIN): Promise<string[]> {
  const out: string[] = [];
  for (const v of values) {
    for (const e of await h.health(v)) out.push(`${(h.clock.now() - T0) / MIN}m ${e.kind}:${e.level}`);
    h.clock.advance(stepMs);
  }
  return out;
}

describe('AlertEngine', () => {
  it('hysteresis: health oscillating 49↔51 around 50 raises exactly one warning, and recovers only above 55', async () => {
    const h = harness();
    const wobble = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 49 : 51));
    expect(await feed(h, [...wobble, 53, 55, 54, 55])).toEqual(['0m raised:warning']);
    expect(await h.engine.levels()).toEqual(new Map([[HEALTH, 'warning']]));
    const rec = await h.health(55.5);
    expect(kinds(rec)).toEqual(['recovered:warning']);
    expect(rec[0]?.observation.detail).toContain('Health 55.5/100 is at or above 50');
  });

  it('the raised event carries the observation with its numbers, an id, and the time', async () => {
    const h = harness();
    const [e] = await h.health(42);
    expect(e).toMatchObject({ id: `${HEALTH}@${T0}:raised`, kind: 'raised', key: HEALTH, level: 'warning', at: T0 });
    expect(e?.observation).toMatchObject({ rule: 'health', market: 'paper', value: 42, threshold: 50, action: 'reduce' });
    expect(e?.observation.detail).toMatch(/^Health 42\/100 is below 50 \(warning\)/);
  });

  it('cooldown: after a recovery the same level is not raised again until the cooldown since the last alert has passed', async () => {
    const h = harness();
    // Warning at 0, recovered at 5, back at 10 (held: 30-min warning cooldown), raised again at 30 while still there.
    const values = [45, 45, 45, 45, 45, 60, 60, 60, 60, 60, ...Array.from({ length: 25 }, () => 45)];
    expect(await feed(h, values)).toEqual(['0m raised:warning', '5m recovered:warning', '30m raised:warning']);
  });

  it('cooldown: a re-raise that recovers before the cooldown ends is never sent, nor its recovery', async () => {
    const h = harness();
    expect(await feed(h, [45, 60, 45, 45, 60, 60])).toEqual(['0m raised:warning', '1m recovered:warning']);
    h.clock.advance(60 * MIN);
    expect(await feed(h, [45])).toEqual(['66m raised:warning']);
  });

  it('cooldown never delays a worse level: escalation warning → critical → emergency is immediate', async () => {
    const h = harness();
    expect(await feed(h, [45, 20, 5], 1_000)).toEqual(['0m raised:warning', `${1 / 60}m escalated:critical`, `${2 / 60}m escalated:emergency`]);
    // Straight from ok to emergency is one raise.
    const g = harness();
    expect(await feed(g, [3])).toEqual(['0m raised:emergency']);
    // After a recovery, a worse level than the last alert is raised at once despite the cooldown.
    const k = harness();
    expect(await feed(k, [45, 60, 20])).toEqual(['0m raised:warning', '1m recovered:warning', '2m raised:critical']);
  });

  it('easing is silent; worsening again to an already-alerted level waits for that level\'s cooldown', async () => {
    const h = harness();
    // Critical at 0; eased to warning at 1 (31 > 30); critical again at 3: held (10-min critical cooldown) until 10.
    const events = await feed(h, [20, 31, 31, 20, 20, 20, 20, 20, 20, 20, 20, 20]);
    expect(events).toEqual(['0m raised:critical', '10m escalated:critical']);
  });

  it('critical repeats every 15 minutes until acknowledged, then stops; an escalation needs a new acknowledgement', async () => {
    const h = harness();
    expect(await feed(h, Array.from({ length: 50 }, () => 20))).toEqual([
      '0m raised:critical', '15m repeat:critical', '30m repeat:critical', '45m repeat:critical',
    ]);
    expect(await h.engine.acknowledge(HEALTH, 'telegram:42', h.clock.now())).toBe(true);
    expect((await h.engine.active())[0]).toMatchObject({ key: HEALTH, level: 'critical', acknowledgedAt: T0 + 50 * MIN, ackedBy: 'telegram:42' });
    expect(await feed(h, Array.from({ length: 60 }, () => 20))).toEqual([]);
    expect(kinds(await h.health(5))).toEqual(['escalated:emergency']);
    h.clock.advance(MIN);
    expect((await h.engine.active())[0]?.acknowledgedAt).toBeUndefined();
    expect(await feed(h, Array.from({ length: 16 }, () => 5))).toEqual(['125m repeat:emergency']);
  });

  it('warnings never repeat; emergency eased to critical keeps repeating at the critical level', async () => {
    const h = harness();
    expect(await feed(h, Array.from({ length: 180 }, () => 40))).toEqual(['0m raised:warning']);
    const g = harness();
    expect(await feed(g, [5, ...Array.from({ length: 16 }, () => 20)])).toEqual(['0m raised:emergency', '15m repeat:critical']);
  });

  it('acknowledge only applies to an active key', async () => {
    const h = harness();
    expect(await h.engine.acknowledge(HEALTH, 'u', T0)).toBe(false);
    await h.health(40);
    h.clock.advance(MIN);
    await h.health(60);
    expect(await h.engine.acknowledge(HEALTH, 'u', h.clock.now())).toBe(false);
  });

  it('recovery is sent once, and only for something that was sent', async () => {
    const h = harness();
    expect(await feed(h, [20, 60, 60, 60, 70, 80])).toEqual(['0m raised:critical', '1m recovered:critical']);
    // Nothing ever alerted: no event and no state to keep.
    const quiet = harness();
    expect(await feed(quiet, [80, 70, 90])).toEqual([]);
    expect(await quiet.repo.getAll()).toEqual([]);
  });

  it('mute: a muted rule sends nothing; what is due when the mute ends is sent then', async () => {
    const h = harness();
    await h.engine.mute('health', T0 + 60 * MIN);
    await h.engine.mute('var', T0 + 600 * MIN);
    expect(await feed(h, Array.from({ length: 60 }, (_, i) => (i < 30 ? 45 : 20)))).toEqual([]);
    expect((await h.engine.active())[0]).toMatchObject({ level: 'critical', notified: false });
    expect(await feed(h, [20, 20])).toEqual(['60m raised:critical']);
    expect((await h.engine.silences(h.clock.now())).mutes).toEqual({ var: T0 + 600 * MIN });
    // A recovery while muted is sent on unmute.
    await h.engine.mute('health', T0 + 1_000 * MIN);
    expect(await feed(h, [60, 60])).toEqual([]);
    await h.engine.mute('health', null);
    expect(await feed(h, [60, 60])).toEqual(['64m recovered:critical']);
  });

  it('mute holds even for an emergency', async () => {
    const h = harness();
    await h.engine.mute('health', T0 + 30 * MIN);
    expect(await feed(h, [5, 5])).toEqual([]);
  });

  it('snooze: a snoozed key sends nothing until the snooze ends, then what is due; other keys are unaffected', async () => {
    const h = harness();
    expect(await feed(h, [45])).toEqual(['0m raised:warning']);
    expect(await h.engine.snooze(HEALTH, T0 + 30 * MIN)).toBe(true);
    expect(await h.engine.snooze('main:var:*', T0 + 30 * MIN)).toBe(false);
    expect(await feed(h, [20, 20, 20])).toEqual([]);
    h.clock.set(T0 + 30 * MIN);
    expect(await feed(h, [20])).toEqual(['30m escalated:critical']);
    expect((await h.engine.active())[0]?.snoozedUntil).toBeUndefined();
  });

  it('snooze all silences every key; an emergency breaks through it (decision), a critical does not', async () => {
    const h = harness();
    await h.engine.snooze('all', T0 + 60 * MIN);
    expect((await h.engine.silences(T0)).snoozeUntil).toBe(T0 + 60 * MIN);
    expect(await feed(h, [45, 20])).toEqual([]);
    expect(await feed(h, [5])).toEqual(['2m raised:emergency']);
    // Emergency repeats break through too; easing to critical falls back under the snooze.
    expect(await feed(h, Array.from({ length: 15 }, () => 5))).toEqual(['17m repeat:emergency']);
    expect(await feed(h, Array.from({ length: 20 }, () => 20))).toEqual([]);
    h.clock.set(T0 + 60 * MIN);
    expect(await feed(h, [20])).toEqual(['60m repeat:critical']);
    expect((await h.engine.silences(h.clock.now())).snoozeUntil).toBeNull();
  });

  it('a key snoozed while in emergency: the recovery of the emergency breaks through as well', async () => {
    const h = harness();
    await feed(h, [5]);
    await h.engine.snooze(HEALTH, T0 + 60 * MIN);
    expect(await feed(h, [80])).toEqual(['1m recovered:emergency']);
  });

  it('restart in the middle: a new engine on the same repository neither repeats a raise nor forgets the alert', async () => {
    const h = harness();
    expect(await feed(h, [45, 20])).toEqual(['0m raised:warning', '1m escalated:critical']);
    h.restart();
    expect(await h.engine.levels()).toEqual(new Map([[HEALTH, 'critical']]));
    expect((await h.engine.active()).map((a) => [a.key, a.level, a.since])).toEqual([[HEALTH, 'critical', T0 + MIN]]);
    // The repeat schedule carries on from the escalation the old engine sent.
    expect(await feed(h, Array.from({ length: 15 }, () => 20))).toEqual(['16m repeat:critical']);
    await h.engine.acknowledge(HEALTH, 'console:u1', h.clock.now());
    h.restart();
    expect(await feed(h, Array.from({ length: 31 }, () => 20))).toEqual([]);
    h.restart();
    expect(await feed(h, [80, 80])).toEqual(['48m recovered:critical']);
  });

  it('restart keeps hysteresis: 51 after a restart is still the same warning', async () => {
    const h = harness();
    await feed(h, [49]);
    h.restart();
    expect(await feed(h, [51, 49, 51])).toEqual([]);
  });

  it('per-market dedupe keys: SOL-PERP and ETH-PERP liquidation alerts are independent', async () => {
    const h = harness();
    const at = (sol: number, eth: number) => h.run((now) => input(book({
      positions: [perp('SOL-PERP', 'SOL', { base: 10, mark: 100, liq: 100 * (1 - sol) }), perp('ETH-PERP', 'ETH', { base: -1, mark: 2_000, liq: 2_000 * (1 + eth) })],
      venues: [venue({ asOf: now })],
    }), { now }));
    const show = (events: AlertEvent[]) => events.filter((e) => e.observation.rule === 'liquidation_distance').map((e) => `${e.observation.market} ${e.kind}:${e.level}`);
    expect(show(await at(0.1, 0.3))).toEqual(['SOL-PERP raised:warning']);
    h.clock.advance(MIN);
    expect(show(await at(0.1, 0.1))).toEqual(['ETH-PERP raised:warning']);
    h.clock.advance(MIN);
    expect(show(await at(0.3, 0.05))).toEqual(['SOL-PERP recovered:warning', 'ETH-PERP escalated:critical']);
    h.clock.advance(MIN);
    const [sol] = (await at(0.07, 0.05)).filter((e) => e.key === 'main:liquidation_distance:SOL-PERP');
    expect(sol).toMatchObject({ kind: 'raised', level: 'critical' });
    expect(sol?.observation.detail).toBe('SOL-PERP: price $100.00 vs liquidation $93.00, 7% away (critical below 8%); a 7% fall of SOL liquidates.');
    const keys = (await h.engine.active()).map((a) => a.key).sort();
    expect(keys).toEqual(['main:liquidation_distance:ETH-PERP', 'main:liquidation_distance:SOL-PERP']);
  });

  it('delivery: events stay undelivered until confirmed with their own id; a restart can retry them', async () => {
    const h = harness();
    const [raised] = await h.health(40);
    if (!raised) throw new Error('no event');
    expect((await h.engine.undelivered()).map((e) => e.id)).toEqual([raised.id]);
    expect(await h.engine.markDelivered(HEALTH, 'stale-id')).toBe(false);
    expect(await h.engine.markDelivered('unknown', raised.id)).toBe(false);
    h.restart();
    const retry = await h.engine.undelivered();
    expect(retry).toEqual([{ ...raised, observation: { ...raised.observation } }]);
    expect(await h.engine.markDelivered(HEALTH, raised.id)).toBe(true);
    expect(await h.engine.undelivered()).toEqual([]);
    expect(await h.repo.get(HEALTH)).toMatchObject({ delivered: true, lastEvent: { id: raised.id, kind: 'raised' } });
  });

  it('stores an infinite value as null and hands it back as Infinity', async () => {
    const h = harness();
    const events = await h.run((now) => input(book({ positions: [perp('SOL-PERP', 'SOL', { base: 1, mark: 100, liq: null })], totalValueUsd: 0n, leverage: Infinity }), { now }));
    expect(kinds(events.filter((e) => e.key === 'main:leverage:*'))).toEqual(['raised:critical']);
    expect((await h.repo.get('main:leverage:*'))?.observation.value).toBeNull();
    expect((await h.engine.active()).find((a) => a.key === 'main:leverage:*')?.observation.value).toBe(Infinity);
  });

  it('a later duplicate observation of a key wins; an ok observation of an unknown key stores nothing', async () => {
    const h = harness();
    const obs = (v: number): Observation[] => evaluateRules(healthInput(v, T0));
    const events = await h.engine.evaluate([...obs(20), ...obs(45)], T0);
    expect(kinds(events)).toEqual(['raised:warning']);
  });

  it('active alerts: most severe first, then oldest; ok keys left out', async () => {
    const h = harness();
    await h.run((now) => input(book({ margin: [margin(40)], positions: [perp('SOL-PERP', 'SOL', { base: 1, mark: 100, liq: 97 })] }), { now }));
    const active = await h.engine.active();
    expect(active.map((a) => [a.key, a.level, a.notified])).toEqual([
      ['main:liquidation_distance:SOL-PERP', 'emergency', true], ['main:health:paper', 'warning', true],
    ]);
  });

  it('serialises concurrent operations: an acknowledge issued during an evaluation is not lost', async () => {
    const h = harness();
    await h.health(20);
    h.clock.advance(15 * MIN);
    const obs = evaluateRules(healthInput(20, h.clock.now()), DEFAULT_THRESHOLDS, await h.engine.levels());
    const [events, acked] = await Promise.all([h.engine.evaluate(obs, h.clock.now()), h.engine.acknowledge(HEALTH, 'u', h.clock.now())]);
    expect(kinds(events)).toEqual(['repeat:critical']);
    expect(acked).toBe(true);
    expect((await h.repo.get(HEALTH))?.acknowledgedAt).toBe(h.clock.now());
  });

  it('property: raised + escalated never exceed the threshold crossings beyond the hysteresis band', async () => {
    const tiers = [DEFAULT_THRESHOLDS.health.warning, DEFAULT_THRESHOLDS.health.critical, DEFAULT_THRESHOLDS.health.emergency];
    const margin = DEFAULT_THRESHOLDS.health.margin;
    // Mostly values inside or next to a hysteresis band, where a missing band would show.
    const near = tiers.map((t) => fc.double({ min: t - 3, max: t + margin + 3, noNaN: true }));
    const health = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }), ...near, ...tiers.map((t) => fc.constantFrom(t - 1, t, t + margin, t + margin + 1)));
    const step = fc.record({ health, minutes: fc.integer({ min: 0, max: 40 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const h = harness();
        const armed = tiers.map(() => true);
        let crossings = 0;
        let notices = 0;
        for (const s of steps) {
          h.clock.advance(s.minutes * MIN);
          tiers.forEach((t, i) => {
            if (s.health < t && armed[i]) {
              crossings++;
              armed[i] = false;
            } else if (s.health > t + margin) {
              armed[i] = true;
            }
          });
          notices += (await h.health(s.health)).filter((e) => e.kind === 'raised' || e.kind === 'escalated').length;
          expect(notices).toBeLessThanOrEqual(crossings);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('AlertEngine on lowdb', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-alerts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps alert state, acknowledgements, mutes and snoozes across close and reopen of the file', async () => {
    const file = join(dir, 'vigil.json');
    const clock = new ManualClock(T0);
    const a = await openLowdbRepositories(file);
    const h1 = harness(a.alerts, clock);
    expect(await feed(h1, [45, 20])).toEqual(['0m raised:warning', '1m escalated:critical']);
    await h1.engine.acknowledge(HEALTH, 'telegram:7', clock.now());
    await h1.engine.mute('var', T0 + 999 * MIN);
    await h1.engine.snooze('all', T0 + 10 * MIN);
    await a.close();

    const doc = JSON.parse(await readFile(file, 'utf8')) as { schemaVersion: number; alerts: { keys: Record<string, unknown>; mutes: unknown; snoozeUntil: unknown } };
    expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
    expect(Object.keys(doc.alerts.keys)).toEqual([HEALTH]);
    expect(doc.alerts.mutes).toEqual({ var: T0 + 999 * MIN });
    expect(doc.alerts.snoozeUntil).toBe(T0 + 10 * MIN);

    const b = await openLowdbRepositories(file);
    const h2 = harness(b.alerts, clock);
    expect(await h2.engine.active()).toMatchObject([{ key: HEALTH, level: 'critical', ackedBy: 'telegram:7', notified: true }]);
    expect(await h2.engine.silences(clock.now())).toEqual({ mutes: { var: T0 + 999 * MIN }, snoozeUntil: T0 + 10 * MIN });
    // No duplicate raise, no repeat (acknowledged); the recovery comes once the snooze is over.
    expect(await feed(h2, [20, 20, 20, 80])).toEqual([]);
    clock.set(T0 + 10 * MIN);
    expect(await feed(h2, [80, 80])).toEqual(['10m recovered:critical']);
    await b.close();

    const c = await openLowdbRepositories(file);
    const h3 = harness(c.alerts, clock);
    expect(await h3.engine.active()).toEqual([]);
    expect(await feed(h3, [80])).toEqual([]);
    await c.close();
  });
});
