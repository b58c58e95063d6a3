/** The two storage backends every repository suite runs on, each test in a fresh temporary directory. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Repositories } from '../../src/ports/index.ts';
import { openLowdbRepositories } from '../../src/storage/lowdb/index.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import type { StoreData } from '../../src/storage/schema.ts';

// python3 -c "print(2**70)" → 1180591620717411303424
export const TWO_POW_70 = 1180591620717411303424n;

export interface Backend {
  readonly name: string;
  /** Opens the backend, optionally starting from `initial` (what an existing file or store already holds). */
  open(initial?: StoreData): Promise<Repositories>;
}

/** Registers the temporary directory hooks; `dir()` is the current test's directory, `file()` its vigil.json. */
export function storageBackends(prefix: string): { backends: Backend[]; dir: () => string; file: () => string } {
  let dir = '';
  let opened = 0;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const backends: Backend[] = [
    { name: 'memory', open: (initial) => Promise.resolve(memoryRepositories(initial)) },
    {
      name: 'lowdb',
      // A new file per open, so stores opened within one test (property runs) never see each other.
      open: async (initial) => {
        const path = join(dir, `store-${++opened}.json`);
        if (initial) await writeFile(path, JSON.stringify(initial));
        return openLowdbRepositories(path);
      },
    },
  ];
  return { backends, dir: () => dir, file: () => join(dir, 'vigil.json') };
}
