/**
 * The process helper itself: a failing test cannot leave its child behind, stop() escalates to SIGKILL on the group,
 * and a child past its hard limit is killed.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupMembers, spawnProcess, stop } from './processes.ts';

const STUBBORN = resolve(import.meta.dirname, '../fixtures/processes/ignore-sigterm.ts');

describe('a test that fails cannot leave its child running', () => {
  let pgid = 0;
  it.fails('spawns a child (and grandchild) that ignore SIGTERM, then fails on purpose', async () => {
    const p = spawnProcess(process.execPath, [STUBBORN]);
    pgid = p.pid;
    await p.waitFor(/ready/);
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2);
    expect('the test failed on purpose').toBe('');
  });

  it('its process group is empty after that test (read from /proc)', () => {
    expect(pgid).toBeGreaterThan(0);
    expect(groupMembers(pgid)).toEqual([]);
  });
});

describe('stop()', () => {
  it('SIGTERM first; a group that ignores it is SIGKILLed after the grace', async () => {
    const p = spawnProcess(process.execPath, [STUBBORN]);
    await p.waitFor(/ready/);
    const t0 = Date.now();
    const ended = await stop(p, 300);
    expect(ended.how).toBe('killed');
    expect(ended.signal).toBe('SIGKILL');
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(groupMembers(p.pid)).toEqual([]);
  });

  it('a child that handles SIGTERM exits by itself', async () => {
    const p = spawnProcess(process.execPath, ['-e', "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('ready')"]);
    await p.waitFor(/ready/);
    const ended = await stop(p, 5_000);
    expect(ended).toMatchObject({ how: 'exited', code: 0, signal: null });
  });
});

describe('the hard time limit', () => {
  let pgid = 0;
  it.fails('kills a child that runs past it and fails the test', async () => {
    const p = spawnProcess(process.execPath, [STUBBORN], { limitMs: 500 });
    pgid = p.pid;
    const ended = await p.exited;
    // The child itself ended by the helper's SIGKILL; the afterEach then fails this test with its output.
    expect(ended.how).toBe('killed');
    expect(p.timedOut()).toBe(true);
  });

  it('left nothing of that group', () => {
    expect(pgid).toBeGreaterThan(0);
    expect(groupMembers(pgid)).toEqual([]);
  });
});
