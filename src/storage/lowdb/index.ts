/**
 * lowdb-backed repositories: one JSON file, written atomically (lowdb's JSONFile writes a temp file and renames it,
 * via steno), updates serialised so concurrent writers never interleave. The file is validated whole before anything
 * is written, and backed up before a migration rewrites it.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Repositories } from '../../ports/index.ts';
import { StorageError } from '../../shared/errors.ts';
import { documentRepositories } from '../document-repos.ts';
import { loadDocument } from '../load.ts';
import { emptyData, type StoreData } from '../schema.ts';

export interface LowdbOptions {
  /** Told of every failed write (after the change was rolled back), e.g. to alert the operator. */
  readonly onWriteError?: (err: StorageError) => void;
  /** Told when a write succeeds again after failures. */
  readonly onWriteRecovered?: () => void;
}

/** `vigil.json.v4-20261202T185200Z.bak`: the name of a backup of `file` taken for `reason`. */
function backupName(file: string, reason: string, now: Date): string {
  return `${file}.${reason}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.bak`;
}

/** Copies the state file aside (never over an existing backup); returns the backup's path. */
export async function backupStateFile(file: string, reason: string, now = new Date()): Promise<string> {
  let target = backupName(file, reason, now);
  for (let i = 1; ; i++) {
    try {
      await copyFile(file, target, constants.COPYFILE_EXCL);
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i > 50) throw err;
      target = backupName(file, `${reason}.${i}`, now);
    }
  }
}

function writeError(file: string, err: unknown): StorageError {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = { ENOSPC: 'no space left on the device', EROFS: 'read-only file system', EACCES: 'permission denied', EPERM: 'permission denied', EDQUOT: 'disk quota exceeded' };
  const reason = (code && why[code]) ?? code ?? (err instanceof Error ? err.message : String(err));
  return new StorageError(`the state file ${file} could not be written (${reason}); the change was not saved`, { ...(code ? { code } : {}), cause: err });
}

export async function openLowdbRepositories(file: string, opts: LowdbOptions = {}): Promise<Repositories> {
  await mkdir(dirname(file), { recursive: true });
  let text: string | null = null;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StorageError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const db = new Low<StoreData>(new JSONFile<StoreData>(file), emptyData());
  // A missing file stays missing until the first change (start-up has already proved the directory writable).
  if (text !== null) {
    // Throws before anything is written when the document is not one this version can use.
    const loaded = loadDocument(file, text);
    db.data = loaded.data;
    if (loaded.migratedFrom !== null) {
      await backupStateFile(file, `v${loaded.migratedFrom}`);
      await db.write();
    }
  }
  let queue: Promise<void> = Promise.resolve();
  let failing = false;
  return documentRepositories({
    get data() {
      return db.data;
    },
    update(mutate, updateOpts) {
      const next = queue.then(async () => {
        // Mutate a copy and only adopt it once written, so a failed write leaves memory and disk agreeing.
        const draft = structuredClone(db.data);
        mutate(draft);
        const previous = db.data;
        db.data = draft;
        try {
          await db.write();
        } catch (err) {
          const e = writeError(file, err);
          failing = true;
          opts.onWriteError?.(e);
          if (updateOpts?.keepOnWriteError) return;
          db.data = previous;
          throw e;
        }
        if (failing) {
          failing = false;
          opts.onWriteRecovered?.();
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    close: () => queue,
  });
}
