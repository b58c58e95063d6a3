/**
 * lowdb-backed repositories: one JSON file, written atomically (lowdb's JSONFile writes a temp file and renames it,
 * via steno), updates serialised so concurrent writers never interleave.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Repositories } from '../../ports/index.ts';
import { documentRepositories } from '../document-repos.ts';
import { emptyData, migrate, type StoreData } from '../schema.ts';

export async function openLowdbRepositories(file: string): Promise<Repositories> {
  await mkdir(dirname(file), { recursive: true });
  const db = new Low<StoreData>(new JSONFile<StoreData>(file), emptyData());
  await db.read();
  const before = (db.data as Partial<StoreData> | null)?.schemaVersion;
  db.data = migrate(db.data);
  if (before !== db.data.schemaVersion) await db.write();
  let queue: Promise<void> = Promise.resolve();
  return documentRepositories({
    get data() {
      return db.data;
    },
    update(mutate) {
      const next = queue.then(async () => {
        // Mutate a copy and only adopt it once written, so a failed write leaves memory and disk agreeing.
        const draft = structuredClone(db.data);
        mutate(draft);
        const previous = db.data;
        db.data = draft;
        try {
          await db.write();
        } catch (err) {
          db.data = previous;
          throw err;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    close: () => queue,
  });
}
