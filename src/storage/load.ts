/**
 * Reading a state file: parse, check the whole document against the schema of its version, migrate. Pure (text in,
 * document out): a file that fails is refused with its path, the JSON path of the first problem and how to recover,
 * and the caller writes nothing.
 */
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { StorageError } from '../shared/errors.ts';
import { schemaForVersion, STORE_SCHEMA } from './document-schema.ts';
import { migrate, SCHEMA_VERSION, type StoreData } from './schema.ts';

/** `$.settings["risk-limits"].health_warning` for a zod issue path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$]*$/.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

function recovery(file: string): string {
  const backups = join(dirname(file), `${basename(file)}.*.bak`);
  return `Nothing was changed. Fix that entry, restore a backup (${backups}) if there is one, or move the file aside to start with an empty state.`;
}

function refuse(file: string, where: string, problem: string): StorageError {
  return new StorageError(`${file}: ${where}: ${problem}. ${recovery(file)}`);
}

function firstProblem(file: string, error: z.ZodError): StorageError {
  const issue = error.issues[0];
  if (!issue) return refuse(file, '$', 'invalid');
  // An unknown key's path is its parent; name the key itself.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = keys.length > 0 ? [...issue.path, keys[0] as string] : issue.path;
  const message = issue.code === 'unrecognized_keys' ? 'not a field this version of Vigil knows' : issue.message;
  return refuse(file, jsonPath(path), message);
}

/** The document a state file holds, and the version it was migrated from (null when it was current). */
export interface LoadedDocument {
  readonly data: StoreData;
  readonly migratedFrom: number | null;
}

/** Parses and validates the text of state file `file`; throws StorageError (one line) instead of guessing. */
export function loadDocument(file: string, text: string): LoadedDocument {
  if (text.trim() === '') throw refuse(file, '$', 'the file is empty');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    // V8's message names the position only (never the content around it past a few characters).
    const at = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
    throw refuse(file, '$', `not valid JSON${at === undefined ? '' : ` (at character ${at})`}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw refuse(file, '$', `expected an object with a schemaVersion, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
  }
  const v = (raw as { schemaVersion?: unknown }).schemaVersion;
  const version = v === undefined ? 0 : v;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw refuse(file, '$.schemaVersion', `expected a whole number, got ${JSON.stringify(v)}`);
  }
  if (version > SCHEMA_VERSION) {
    throw new StorageError(`${file}: written by a newer Vigil (schemaVersion ${version}; this one understands ${SCHEMA_VERSION}). Upgrade Vigil. Nothing was changed.`);
  }
  const checked = schemaForVersion(version).safeParse(raw);
  if (!checked.success) throw firstProblem(file, checked.error);
  if (version === SCHEMA_VERSION) {
    const full = STORE_SCHEMA.safeParse(raw);
    if (!full.success) throw firstProblem(file, full.error);
    return { data: raw as StoreData, migratedFrom: null };
  }
  const data = migrate(raw);
  const full = STORE_SCHEMA.safeParse(data);
  if (!full.success) throw firstProblem(file, full.error);
  return { data, migratedFrom: version };
}
