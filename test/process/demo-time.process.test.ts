/**
 * The demo's market runs fast (DEMO_SPEED 60 by default), time does not: with the real program at default settings a
 * Confirm tapped 5 s after /hedge still executes (the card lives 60 real seconds), "Up" is real, a snooze set for an
 * hour reads an hour from the real now and, after /snooze off and a restart, is still off; audit entries written over
 * two runs are in time order and none is in the future.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runVigil, startVigil, stop, whenAnswering } from '../helpers/vigil-process.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-time-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** "HH:MM" of a UTC time. */
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

describe('demo time is real time', () => {
  it('at default settings a Confirm 5 s after /hedge executes; /status shows real uptime', async () => {
    const v = startVigil(dir);
    try {
      const from = await whenAnswering(v);
      // One leg (the demo book's small SOL delta): the fewer markets, the rarer a price-moved refresh.
      v.child.stdin.write('/hedge SOL\n');
      await v.waitFor(/\[1\] Confirm {2}\[2\] Cancel/, { from, ms: 20_000 });
      await sleep(5_000);
      const pressed = v.stdout().length;
      v.child.stdin.write('1\n');
      // The market runs 60x: 5 s is 5 simulated minutes, and a move past the tolerance re-prices the card (the
      // fresh re-check doing its job); then a second tap executes. Either way the card has not expired.
      await v.waitFor(/Dry run: simulated, nothing sent|nothing sent\. Confirm again/, { from: pressed, ms: 20_000 });
      if (!/Dry run: simulated, nothing sent/.test(v.stdout().slice(pressed))) {
        await v.waitFor(/\[1\] Confirm {2}\[2\] Cancel/, { from: pressed, ms: 10_000 });
        v.child.stdin.write('1\n');
        await v.waitFor(/Dry run: simulated, nothing sent/, { from: pressed, ms: 20_000 });
      }
      expect(v.stdout().slice(pressed)).not.toMatch(/expired/i);
      const s = v.stdout().length;
      v.child.stdin.write('/status\n');
      await v.waitFor(/Up {9}\d+s\n/, { from: s, ms: 10_000 });
      const up = Number(/Up {9}(\d+)s\n/.exec(v.stdout().slice(s))?.[1]);
      expect(up).toBeGreaterThanOrEqual(5);
      expect(up).toBeLessThan(60);
    } finally {
      await stop(v, 10_000);
    }
  }, 60_000);

  it('snooze for an hour reads an hour from now; off stays off after a restart; the audit is in time order over two runs', async () => {
    const before = Date.now();
    const first = await runVigil(dir, '/snooze 1h\n/alerts\n/snooze off\n/limits set health 30\n/hedge\n');
    expect(first.code, first.stderr).toBe(0);
    const until = /All alerts snoozed until \d{4}-\d\d-\d\d (\d\d:\d\d) UTC/.exec(first.stdout)?.[1];
    // An hour of real time from now (a minute's slack either side for the clock ticking over).
    expect([hhmm(before + 3_600_000), hhmm(before + 3_660_000)]).toContain(until);
    expect(first.stdout).toContain('Snooze ended: alerts are back on.');
    const second = await runVigil(dir, '/alerts\n/limits set health 35\n/hedge\n');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toMatch(/snoozed until/);
    const after = Date.now();
    const state = JSON.parse(await readFile(join(dir, 'data', 'vigil.json'), 'utf8')) as { audit?: { at: number }[] };
    const times = (state.audit ?? []).map((e) => e.at);
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const t of times) expect(t).toBeLessThanOrEqual(after);
  }, 60_000);
});
