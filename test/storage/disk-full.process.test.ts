/**
 * A full disk with the real program, on a real small tmpfs (mounting needs root; elsewhere these skip with a reason and
 * the fake-filesystem tests in probe.test.ts cover the same paths): refused at start-up with exit 78 naming the key,
 * and at run time a failed write is a clear answer, an alert and a log line, and works again once there is room.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnProcess } from '../helpers/processes.ts';
import { runVigil, startVigil, stop, whenAnswering } from '../helpers/vigil-process.ts';

let dir: string;
let mnt: string;
let mounted = false;

async function sh(cmd: string, args: string[]): Promise<boolean> {
  const p = spawnProcess(cmd, args, { limitMs: 10_000 });
  return (await p.exited).code === 0;
}

/** Mounts a tmpfs of `size` at `mnt`; false where mounting is not allowed. */
async function mountTmpfs(size: string): Promise<boolean> {
  mounted = process.platform === 'linux' && process.getuid?.() === 0 && await sh('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt]);
  return mounted;
}

/** Fills the file system under `at` until a write fails with ENOSPC. */
async function fill(at: string): Promise<void> {
  const chunk = Buffer.alloc(4096, 0x61);
  for (let i = 0; ; i++) {
    try {
      await writeFile(join(at, `filler-${Date.now()}-${i}`), chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw err;
    }
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-disk-'));
  mnt = join(dir, 'mnt');
  await mkdir(mnt);
});
afterEach(async () => {
  if (mounted) await sh('umount', ['-l', mnt]);
  mounted = false;
  await rm(dir, { recursive: true, force: true });
});

describe('a data dir on a full file system', () => {
  it('is refused at start-up with exit 78 and one line naming VIGIL_DATA_DIR and the path', async (ctx) => {
    if (!await mountTmpfs('64k')) return ctx.skip('mounting a tmpfs needs root');
    await fill(mnt);
    const data = join(mnt, 'data');
    const r = await runVigil(dir, '/status\n', { VIGIL_DATA_DIR: data });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`vigil: VIGIL_DATA_DIR: cannot write in ${data} (no space left on the device)\n`);
  });

  it('at run time: a clear answer, a log line, and saving again once there is room', async (ctx) => {
    if (!await mountTmpfs('1m')) return ctx.skip('mounting a tmpfs needs root');
    const data = join(mnt, 'data');
    const v = startVigil(dir, { VIGIL_DATA_DIR: data });
    await whenAnswering(v);
    const filler = join(mnt, 'filler');
    await mkdir(filler);
    // A write in flight when the disk filled may free the old file's pages as it lands: fill again after it.
    await fill(filler);
    await new Promise((r) => setTimeout(r, 500));
    await fill(filler);
    let from = v.stdout().length;
    v.child.stdin.write('/subscribe\n');
    await v.waitFor(/Could not save: the bot's state file cannot be written right now\. Nothing was changed\./, { from, ms: 8_000 });
    // Still answering while the disk is full.
    from = v.stdout().length;
    v.child.stdin.write('/portfolio\n');
    await v.waitFor(/== Portfolio ==/, { from });
    await rm(filler, { recursive: true });
    from = v.stdout().length;
    v.child.stdin.write('/subscribe\n');
    await v.waitFor(/now receives alerts/, { from });
    const ended = await stop(v, 10_000);
    expect(ended).toMatchObject({ how: 'exited', code: 0 });
    const doc = JSON.parse(await readFile(join(data, 'vigil.json'), 'utf8')) as { settings: Record<string, unknown> };
    expect(doc.settings['alert-subscriptions']).toHaveLength(1);
    const log = await readFile(join(data, 'vigil.log'), 'utf8');
    expect(log).toContain('state file writes work again');
  });
});
