/**
 * vitest globalSetup: with ../shared missing, prints ONE line per run naming the folder, the variable that points at
 * it, and how many tests that need it were skipped (or, under CI=true, failed). See test/helpers/shared-dir.ts.
 */
import type { TestProject } from 'vitest/node';
import { HAVE_SHARED, SHARED_MISSING, SHARED_REQUIRED, SHARED_SKIP_NOTE } from '../helpers/shared-dir.ts';

export default function setup(project: TestProject): (() => void) | undefined {
  if (HAVE_SHARED) return undefined;
  return () => {
    let count = 0;
    for (const module of project.vitest.state.getTestModules()) {
      for (const test of module.children.allTests()) {
        const r = test.result();
        if (SHARED_REQUIRED ? r.errors?.some((e) => e.message?.includes(SHARED_MISSING)) === true : r.state === 'skipped' && r.note === SHARED_SKIP_NOTE) count++;
      }
    }
    const what = SHARED_REQUIRED ? 'failed (CI=true: they fail instead of skipping)' : 'skipped';
    process.stdout.write(`vigil tests: ${SHARED_MISSING}: ${count} test${count === 1 ? '' : 's'} that need real data ${what}\n`);
  };
}
