/** In-memory repositories for tests: same behaviour as the lowdb ones, nothing on disk. */
import type { Repositories } from '../../ports/index.ts';
import { documentRepositories } from '../document-repos.ts';
import { emptyData, migrate, type StoreData } from '../schema.ts';

/** `initial` is what a store already holds; like a file on disk, an older layout is migrated first. */
export function memoryRepositories(initial?: StoreData): Repositories {
  const data = initial ? migrate(structuredClone(initial)) : emptyData();
  return documentRepositories({
    data,
    update: (mutate) => { mutate(data); return Promise.resolve(); },
    close: () => Promise.resolve(),
  });
}
