/**
 * Random mutations of a real state file (written by the real program after a subscription, a target, a threshold
 * and a confirmed paper hedge) either load to exactly the document on disk or are refused with the file left
 * byte-identical: never a silent reset, never a half-accepted document.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/ports/index.ts';
import { StorageError } from '../../src/shared/errors.ts';
import { loadDocument } from '../../src/storage/load.ts';
import { openLowdbRepositories } from '../../src/storage/lowdb/index.ts';
import { runVigil } from '../helpers/vigil-process.ts';

type J = null | boolean | number | string | J[] | { [k: string]: J };

let dir: string;
let base: J;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-mut-'));
  const r = await runVigil(dir, '/subscribe\n/target use risk-parity\n/thresholds set pnl_move 0.1\n/limits set health 30\n/hedge SOL 50%\n1\n/snooze 1h\n', { EXECUTION_MODE: 'paper', DEMO_SPEED: '1' });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('✅ Executed');
  base = JSON.parse(await readFile(join(dir, 'data', 'vigil.json'), 'utf8')) as J;
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every path to a value inside `doc` (the root excluded). */
function paths(doc: J, at: (string | number)[] = []): (string | number)[][] {
  if (doc === null || typeof doc !== 'object') return [];
  const entries: [string | number, J][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc);
  return entries.flatMap(([k, v]) => [[...at, k], ...paths(v, [...at, k])]);
}

type Mutation =
  | { kind: 'replace'; pick: number; value: J }
  | { kind: 'delete'; pick: number }
  | { kind: 'add'; pick: number; key: string; value: J };

function apply(doc: J, m: Mutation): J {
  const copy = structuredClone(doc);
  const all = paths(copy);
  const path = all[m.pick % all.length]!;
  const parentPath = path.slice(0, -1);
  let parent: J = copy;
  for (const k of parentPath) parent = (parent as Record<string | number, J>)[k]!;
  const last = path[path.length - 1]!;
  const holder = parent as Record<string | number, J>;
  if (m.kind === 'replace') holder[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else Reflect.deleteProperty(holder, last);
  } else {
    const target = holder[last];
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, J>)[m.key] = m.value;
    else holder[last] = m.value;
  }
  return copy;
}

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<J>,
  fc.constantFrom<J>(null, 'lots', -1, 0, 1e308, '', [], {}, '12', 'NaN', true),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: fc.constantFrom('extra', '__proto__', 'constructor', 'x'), value }),
);

describe('a mutated state file', () => {
  it('loads to an equal state or is refused, file byte-identical (property)', async () => {
    const file = join(dir, 'mutated.json');
    let loaded = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const doc = ms.reduce(apply, base);
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        await writeFile(file, text);
        let repos: Repositories | undefined;
        try {
          repos = await openLowdbRepositories(file);
        } catch (err) {
          expect(err).toBeInstanceOf(StorageError);
          expect((err as Error).message).toContain(file);
          expect((err as Error).message).toContain('Nothing was changed');
          refused += 1;
        }
        if (repos) {
          loaded += 1;
          // What was accepted is the document as written, nothing dropped or defaulted.
          expect(loadDocument(file, text).data).toEqual(JSON.parse(text));
          await repos.close();
        }
        expect(await readFile(file, 'utf8')).toBe(text);
      }),
      { numRuns: 300 },
    );
    // Both outcomes occur (a property that only ever refuses would prove nothing about loading).
    expect(refused).toBeGreaterThan(0);
    expect(loaded).toBeGreaterThan(0);
  }, 60_000);
});
