/**
 * Reading a file a chat user named (static:FILE, signals:FILE) from the weights directory only (WEIGHTS_DIR).
 *
 * The name must be relative or absolute inside the directory, with no `..` segment; its real path (fs.realpath, so
 * every symlink on the way is followed) must still lie inside the directory's real path, so a link cannot lead out.
 * Only regular files are read (a FIFO would block, a device never ends), and only up to a size cap checked before
 * reading. Errors name the file as the user typed it, never the directory's path on the server, and never quote the
 * file's content: parse errors give a line and column (see jsonErrorAt and yamlErrorAt).
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { YAMLError } from 'yaml';
import { UserError } from '../shared/errors.ts';

/** `fail(message, code)`: throws the caller's error naming the file. */
export type FileFail = (message: string, code?: 'bad_argument' | 'not_found') => never;

/** Reads `path` from inside `baseDir` under the rules of the module comment; `fail` for every refusal. */
export async function readInsideDir(path: string, baseDir: string | undefined, maxBytes: number, fail: FileFail): Promise<string> {
  if (path.trim() === '') fail('no path given.');
  // No directory configured: refuse rather than read relative to wherever the process happens to run.
  if (baseDir === undefined) fail('file oracles are off: no weights directory is configured (WEIGHTS_DIR).');
  const base = resolve(baseDir);
  const lexical = resolve(base, path);
  const rel = relative(base, lexical);
  if (path.split(/[\\/]/).includes('..') || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    fail('must be a file inside the weights directory.');
  }
  let realBase: string;
  try {
    realBase = await realpath(base);
  } catch {
    return fail('the weights directory does not exist; an admin can create it (WEIGHTS_DIR).', 'not_found');
  }
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (err) {
    return fail(ioProblem(err), (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not_found' : 'bad_argument');
  }
  if (!isInside(realBase, real)) fail('must be a file inside the weights directory (it links outside it).');
  let handle;
  try {
    // NOFOLLOW: a link swapped in after the check is not followed; NONBLOCK: opening a FIFO does not wait for a writer.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    return fail(ioProblem(err), (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not_found' : 'bad_argument');
  }
  try {
    // fstat on the open handle: what is read is what was checked, even if the name is swapped meanwhile.
    const stat = await handle.stat();
    if (stat.isDirectory()) fail('is a directory.');
    if (!stat.isFile()) fail('is not a regular file.');
    if (stat.size > maxBytes) fail(`${stat.size} bytes is more than the ${maxBytes} read.`);
    const bytes = await handle.readFile();
    if (bytes.length > maxBytes) fail(`more than the ${maxBytes} bytes read.`);
    return bytes.toString('utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    return fail(ioProblem(err));
  } finally {
    await handle.close();
  }
}

function isInside(dir: string, p: string): boolean {
  return p.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

function ioProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file.';
  if (code === 'EISDIR') return 'is a directory.';
  if (code === 'ELOOP') return 'is a symlink loop.';
  return `cannot be read (${code ?? 'error'}).`;
}

/** "line L, column C" of a 0-based character offset in `text`. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * Where JSON.parse failed on `text`, as "line L, column C", or undefined. V8's message carries a position for some
 * errors and quotes the text for others ("Unexpected token 'S', "{ "SOL": SECRET…" is not valid JSON"), so the
 * message is never shown; the position is read from it when present, else found by parsing ever longer prefixes
 * (a prefix before the bad character only runs out of input).
 */
export function jsonErrorAt(text: string, err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : '';
  const at = /at position (\d+)/.exec(message);
  if (at?.[1]) return lineColumn(text, Number(at[1]));
  if (/Unexpected end of JSON input/.test(message)) return lineColumn(text, text.length);
  const ranOut = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (e) {
      const m = e instanceof Error ? e.message : '';
      const pos = /at position (\d+)/.exec(m);
      return /Unexpected end of JSON input/.test(m) || (pos?.[1] !== undefined && Number(pos[1]) >= n);
    }
  };
  // The smallest prefix that fails other than by running out ends with the offending character.
  let lo = 0;
  let hi = text.length;
  if (ranOut(hi)) return undefined;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranOut(mid)) lo = mid;
    else hi = mid;
  }
  return lineColumn(text, hi - 1);
}

/** A YAML parse error as "what at line L, column C", from its code and position only (its message quotes the text). */
export function yamlErrorAt(err: YAMLError): string {
  const what = err.code.toLowerCase().replace(/_/g, ' ');
  const pos = err.linePos?.[0];
  return pos ? `${what} at line ${pos.line}, column ${pos.col}` : what;
}

/** A short field value as it may be quoted in an error: a word of at most 12 characters, else only its kind. */
export function shortValue(value: string): string | undefined {
  const v = value.trim();
  return /^[\w.:+%/-]{1,12}$/u.test(v) ? `"${v}"` : undefined;
}
