/**
 * The real program (`node src/main.ts`) driven as a user would: piped stdin, a malformed .env, Ctrl-C.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/storage/schema.ts';
import { startVigil, type VigilChild, type VigilRun } from '../../helpers/vigil-process.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-console-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs main.ts in `dir` with a clean environment (no chat token, no RPC), through the process helper. */
function run(input: string | null, opts: { onStart?: (p: VigilChild) => void } = {}): Promise<VigilRun> {
  const child = startVigil(dir);
  if (input !== null) child.child.stdin.end(input);
  opts.onStart?.(child);
  return child.exited;
}

describe('console transport (child process)', () => {
  it('answers piped commands in order and exits 0 at EOF', async () => {
    const r = await run('/portfolio\n/positions\n/health\n/positions lp\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const iPortfolio = r.stdout.indexOf('== Portfolio ==');
    const iPositions = r.stdout.search(/== Positions · page 1\/\d ==/);
    const iHealth = r.stdout.search(/== Health \d+\/100 ==/);
    expect(iPortfolio).toBeGreaterThanOrEqual(0);
    expect(iPositions).toBeGreaterThan(iPortfolio);
    expect(iHealth).toBeGreaterThan(iPositions);
    expect(r.stdout).toMatch(/Total value\s+\$[\d,]+\.\d\d/);
    expect(r.stdout).toContain('SOL-PERP · short 240 SOL');
    expect(r.stdout).toContain('SOL/USDC LP · in range');
    // State and log went to the data directory, not the terminal.
    const state = JSON.parse(await readFile(join(dir, 'data/vigil.json'), 'utf8')) as { schemaVersion: number };
    expect(state.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('presses buttons by number, answers bad input and plain text helpfully', async () => {
    const r = await run('/health\n1\n9\n/positions kind=bogus\nhello\n/nope\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(updated)');
    expect(r.stdout).toContain('Choose 1 to 1.');
    expect(r.stdout).toContain('✖ kind: expected one of all, perp, spot, lp, got "bogus"');
    expect(r.stdout).toContain('Usage: /positions [kind] [page]');
    expect(r.stdout).toContain('Commands start with a slash');
    expect(r.stdout).toContain('✖ /nope is not a command.');
  });

  it('saves charts as PNG files and says where', async () => {
    const r = await run('/chart allocation\n');
    expect(r.code).toBe(0);
    const path = /saved to (\S+\.png)/.exec(r.stdout)?.[1];
    expect(path).toBeDefined();
    const png = await readFile(path!);
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(path!.startsWith(join(dir, 'data', 'charts'))).toBe(true);
  });

  it('stops at "quit" without reading further', async () => {
    const r = await run('/status\nquit\n/portfolio\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('== Vigil 0.1.0 ==');
    expect(r.stdout).not.toContain('== Portfolio ==');
  });

  it('exits cleanly on Ctrl-C (SIGINT) while waiting for input', async () => {
    const r = await run(null, {
      onStart: (p) => {
        setTimeout(() => p.child.kill('SIGINT'), 1500);
      },
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });

  it('ends quietly when the reader goes away (npm start | head)', async () => {
    const r = await run('/portfolio\n/positions\n/health\n/prices\n/status\n', {
      onStart: (p) => p.child.stdout.once('data', () => p.child.stdout.destroy()),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('refuses to start on a malformed .env value with one clear line', async () => {
    await writeFile(join(dir, '.env'), 'PAPER_SEED=abc\n');
    const r = await run('/portfolio\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('vigil: PAPER_SEED: expected a whole number from 0 to 4294967295, got "abc"\n');
  });

  it('refuses a bad monitor schedule with one clear line', async () => {
    await writeFile(join(dir, '.env'), 'MONITOR_RISK_CRON=99 * * * * *\n');
    const r = await run('');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('vigil: MONITOR_RISK_CRON: expected a cron expression such as "0 * * * * *", got "99 * * * * *"\n');
  });

  it('never echoes a secret in a start-up error', async () => {
    await writeFile(join(dir, '.env'), 'TELEGRAM_BOT_TOKEN=not-a-token-but-secret\n');
    const r = await run('');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toContain('not-a-token-but-secret');
  });
});
