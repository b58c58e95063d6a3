/**
 * The real data in ../shared (price history), read in place and never copied, and the one guard for tests that need it.
 *
 * A fresh clone has no ../shared. Tests that need it go through `itShared` / `describeShared` and read files only via
 * `sharedPath` (never at module load). With the folder missing they are skipped (note SHARED_SKIP_NOTE, counted in one
 * summary line by test/setup/shared-data.ts), except when CI=true: then each of them fails with SHARED_MISSING.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, it, type TestContext, type TestFunction } from 'vitest';

/** ../shared from the project root, or $VIGIL_SHARED_DIR. */
export const SHARED_DIR = resolve(process.env.VIGIL_SHARED_DIR ?? resolve(import.meta.dirname, '../../../shared'));

/** SHARED_DIR/data/prices: the daily and hourly price CSVs. A path only; nothing is read. */
export const SHARED_PRICES = join(SHARED_DIR, 'data', 'prices');

/** Whether the shared data is there (checked once per process, at import). */
export const HAVE_SHARED = existsSync(SHARED_PRICES);

/** CI=true: a missing folder fails the tests that need it instead of skipping them. */
export const SHARED_REQUIRED = process.env.CI === 'true';

/** Why the tests that need the shared data cannot run: names the folder and the variable. */
export const SHARED_MISSING = existsSync(SHARED_DIR)
  ? `../shared has no data/prices at ${SHARED_DIR} (set VIGIL_SHARED_DIR to point at it)`
  : `../shared not found at ${SHARED_DIR} (set VIGIL_SHARED_DIR to point at it)`;

/** The note on every test skipped for want of the shared data (the summary line counts tests by it). */
export const SHARED_SKIP_NOTE = 'needs ../shared';

/** A path inside SHARED_DIR; throws SHARED_MISSING when the data is missing, so no test reads a missing file. */
export function sharedPath(...parts: string[]): string {
  if (!HAVE_SHARED) throw new Error(SHARED_MISSING);
  return join(SHARED_DIR, ...parts);
}

/** Runs before each guarded test: nothing with the data, skip without it, fail without it under CI=true. */
function guard(skip: TestContext['skip']): void {
  if (HAVE_SHARED) return;
  if (SHARED_REQUIRED) throw new Error(`CI=true and ${SHARED_MISSING}`);
  skip(SHARED_SKIP_NOTE);
}

/** `it` for a test that reads the shared data. (Inside `describeShared`, plain `it` / `it.each` are guarded.) */
export function itShared(name: string, fn: TestFunction, timeout?: number): void {
  it(name, (ctx) => {
    guard(ctx.skip);
    return fn(ctx) as unknown;
  }, timeout);
}

/** `describe` for a block whose every test reads the shared data. Its tests use plain `it`. */
export function describeShared(name: string, fn: () => void): void {
  describe(name, () => {
    beforeEach(({ skip }) => { guard(skip); });
    fn();
  });
}

/** A value computed on first use (e.g. closes read from the shared data), never at module load. */
export function lazy<T>(make: () => T): () => T {
  let box: { value: T } | undefined;
  return () => (box ??= { value: make() }).value;
}
