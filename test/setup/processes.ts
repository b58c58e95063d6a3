/**
 * Global setup: a per-run directory where test/helpers/processes.ts records every child it spawns (workers cannot
 * share memory with this main process), and a teardown that fails the run, naming the command lines, if any recorded
 * process group still has a live (non-zombie) member. Survivors are SIGKILLed so the machine is clean either way.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { groupMembers } from '../helpers/process-groups.ts';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-test-processes-'));
  project.provide('vigilProcessDir', dir);
  return () => {
    const survivors: string[] = [];
    for (const name of readdirSync(dir)) {
      let rec: { pid: number; command: string };
      try {
        rec = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { pid: number; command: string };
      } catch {
        continue;
      }
      const members = groupMembers(rec.pid);
      if (members.length === 0) continue;
      survivors.push(`${rec.command} (group ${rec.pid}: ${members.join(', ')})`);
      try {
        process.kill(-rec.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(dir, { recursive: true, force: true });
    if (survivors.length > 0) throw new Error(`processes started by tests were still running at the end of the run (now killed):\n${survivors.join('\n')}`);
  };
}
