/**
 * The state file and its directory with the real program: paper fills survive a restart, one writer per data dir
 * (and a kill -9 leaves a lock the next start takes over), a file of the wrong shape is refused and left byte-identical,
 * unusable directories are one configuration line, and a write that fails at run time is a clear answer.
 */
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/storage/schema.ts';
import { runVigil, startVigil } from '../helpers/vigil-process.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PAPER = { EXECUTION_MODE: 'paper', DEMO_SPEED: '1' };
const stateFile = (): string => join(dir, 'data', 'vigil.json');

describe('paper fills survive a restart', () => {
  it('a confirmed hedge is still there after a restart: position, realised PnL, audit', async () => {
    // The demo book is long 0.45 BTC-PERP + 0.05 BTC spot: half the BTC delta is a reduce of the perp, which realises PnL.
    const first = await runVigil(dir, '/hedge BTC 50%\n1\n/portfolio\n', PAPER);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('✅ Executed');
    const after = /SELL\s+([\d.]+) BTC-PERP/.exec(first.stdout.slice(first.stdout.indexOf('✅ Executed')))?.[1];
    expect(after).toBeDefined();
    const realised = /Realised PnL\s+(-?\$[\d,.]+)/.exec(first.stdout.slice(first.stdout.lastIndexOf('== Portfolio ==')))?.[1];
    expect(realised).toBeDefined();
    expect(realised).not.toBe('$0.00');

    const second = await runVigil(dir, '/positions perp\n/portfolio\n/audit\n', PAPER);
    expect(second.code).toBe(0);
    // 0.45 BTC long before; the hedge sold `after` of it.
    const remaining = Number((0.45 - Number(after)).toFixed(9));
    expect(second.stdout).toContain(`BTC-PERP · long ${remaining} BTC`);
    expect(second.stdout).toMatch(new RegExp(`Realised PnL\\s+${realised!.replace(/[$.]/g, '\\$&')}`));
    expect(second.stdout).toContain('plan.executed');
    const doc = JSON.parse(await readFile(stateFile(), 'utf8')) as { paper: { fills: unknown[]; signatures: Record<string, string> } };
    expect(doc.paper.fills).toHaveLength(1);
    expect(Object.values(doc.paper.signatures)).toEqual(['confirmed']);
  }, 60_000);
});

describe('one writer per state file', () => {
  it('a second instance refuses with one line naming the holder; after kill -9 the next start takes the stale lock', async () => {
    const a = startVigil(dir);
    a.child.stdin.write('/status\n');
    await a.waitFor(/== Vigil /);
    const b = await runVigil(dir, '/status\n');
    expect(b.code).toBe(1);
    expect(b.stdout).toBe('');
    const line = b.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(`is in use by another Vigil (pid ${a.child.pid} on ${hostname()}, started `);
    expect(line).toContain('stop it first');

    a.child.kill('SIGKILL');
    await a.exited;
    const lock = JSON.parse(await readFile(join(dir, 'data', 'vigil.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(a.child.pid);
    const c = await runVigil(dir, '/status\n');
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('== Vigil ');
    const log = await readFile(join(dir, 'data', 'vigil.log'), 'utf8');
    expect(log).toContain('took over a stale lock');
    // A clean stop removes its lock.
    await expect(readFile(join(dir, 'data', 'vigil.lock'))).rejects.toThrow(/ENOENT/);
  }, 60_000);
});

describe('a state file of the wrong shape is refused, never reset', () => {
  const valid = async (): Promise<Record<string, unknown>> => {
    const r = await runVigil(dir, '/subscribe\n/target use risk-parity\n');
    expect(r.code).toBe(0);
    return JSON.parse(await readFile(stateFile(), 'utf8')) as Record<string, unknown>;
  };

  it.each([
    ['null', (): unknown => null, /\$: expected an object with a schemaVersion, got null/],
    ['an array', (): unknown => [1, 2, 3], /\$: expected an object with a schemaVersion, got an array/],
    ['settings as a string', (d: Record<string, unknown>): unknown => ({ ...d, settings: 'nope' }), /\$\.settings: /],
    ['an approval whose plan is null', (d: Record<string, unknown>): unknown => ({
      ...d, approvals: { abc12345: { plan: null, approval: { planId: 'abc12345', state: 'pending', updatedAt: 1, signatures: [], fills: [] } } },
    }), /\$\.approvals\.abc12345\.plan: /],
    ['an unknown top-level key', (d: Record<string, unknown>): unknown => ({ ...d, extra: 1 }), /\$\.extra: not a field this version of Vigil knows/],
  ])('%s: exit 1 with the path and the JSON path, file byte-identical', async (_name, mutate, where) => {
    const doc = await valid();
    const text = `${JSON.stringify(mutate(doc), null, 2)}\n`;
    await writeFile(stateFile(), text);
    const r = await runVigil(dir, '/status\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const line = r.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(stateFile());
    expect(line).toMatch(where);
    expect(line).toContain('Nothing was changed');
    expect(await readFile(stateFile(), 'utf8')).toBe(text);
  }, 60_000);

  it('a v4 file is backed up before it is migrated, and its data is kept', async () => {
    const doc = await valid();
    const { paper: _drop, lpBaselines: _later, ...rest } = doc;
    const v4 = `${JSON.stringify({ ...rest, schemaVersion: 4 }, null, 2)}\n`;
    await writeFile(stateFile(), v4);
    const r = await runVigil(dir, '/target\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('risk-parity');
    const { readdir } = await import('node:fs/promises');
    const backups = (await readdir(join(dir, 'data'))).filter((f) => /^vigil\.json\.v4-\d{8}T\d{6}Z\.bak$/.test(f));
    expect(backups).toHaveLength(1);
    expect(await readFile(join(dir, 'data', backups[0]!), 'utf8')).toBe(v4);
    const now = JSON.parse(await readFile(stateFile(), 'utf8')) as { schemaVersion: number; settings: unknown };
    expect(now.schemaVersion).toBe(SCHEMA_VERSION);
    expect(now.settings).toEqual(doc.settings);
  }, 60_000);
});

describe('unusable directories are configuration errors', () => {
  it('a data dir that cannot be created: one line naming VIGIL_DATA_DIR and the path', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const r = await runVigil(dir, '/status\n', { VIGIL_DATA_DIR: join(dir, 'file', 'data') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^vigil: VIGIL_DATA_DIR: /);
  });

  it('a LOG_FILE that cannot be written: one line naming LOG_FILE and the path', async () => {
    await mkdir(join(dir, 'logs.d'));
    const r = await runVigil(dir, '/status\n', { LOG_FILE: join(dir, 'logs.d') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^vigil: LOG_FILE: /);
  });

  it('a write that fails at run time is a clear answer and a log entry, and works again once fixed', async () => {
    const v = startVigil(dir);
    v.child.stdin.write('/status\n');
    await v.waitFor(/== Vigil /);
    // steno writes a temp file beside the state file and renames it: a directory in its place fails every write.
    const temp = join(dir, 'data', '.vigil.json.tmp');
    // A write may be in flight (its temp file exists for a moment): try again until the directory takes its place.
    for (let i = 0; ; i++) {
      try {
        await mkdir(temp);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i > 200) throw err;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    let from = v.stdout().length;
    v.child.stdin.write('/subscribe\n');
    await v.waitFor(/Could not save: the bot's state file cannot be written right now\. Nothing was changed\./, { from });
    await rmdir(temp);
    from = v.stdout().length;
    v.child.stdin.write('/subscribe\n');
    await v.waitFor(/now receives alerts/, { from });
    v.child.stdin.end();
    const r = await v.exited;
    expect(r.code).toBe(0);
    const log = await readFile(join(dir, 'data', 'vigil.log'), 'utf8');
    expect(log.match(/state file write failed/g)?.length).toBeGreaterThanOrEqual(1);
    expect(log).toContain('state file writes work again');
    const doc = JSON.parse(await readFile(stateFile(), 'utf8')) as { settings: Record<string, unknown> };
    expect(doc.settings['alert-subscriptions']).toHaveLength(1);
  }, 60_000);
});
