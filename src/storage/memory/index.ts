/** In-memory repositories for tests: same behaviour as the lowdb ones, nothing on disk. */
import type { Repositories } from '../../ports/index.ts';
import { documentRepositories } from '../document-repos.ts';
import { emptyData, type StoreData } from '../schema.ts';

export function memoryRepositories(initial?: StoreData): Repositories {
  const data = initial ? structuredClone(initial) : emptyData();
  return documentRepositories({
    data,
    update: (mutate) => { mutate(data); return Promise.resolve(); },
    close: () => Promise.resolve(),
  });
}
