/**
 * Static weights from a JSON or YAML file, read at every fetch (edit the file, the next /weights shows it).
 *
 * Format (the extension picks the parser: .json → JSON, .yaml/.yml → YAML):
 *   - a flat mapping of asset → weight:                     { "SOL": 0.4, "BTC": 0.3, "USDC": 0.3 }
 *   - or the mapping under a top-level `weights` key, beside anything else (ignored: a description, a date …):
 *       description: my core book
 *       weights:
 *         SOL: 0.4
 *         BTC: 0.3
 *         USDC: 0.3
 * Weights are fractions (0.4 for 40%), numbers only. Asset symbols are trimmed and upper-cased ("sol" → SOL); two
 * keys naming the same asset are an error. The weights then go through validateWeights (finite, ≥ 0, known, Σ = 1
 * within 1e-6). Every error names the file.
 *
 * `baseDir`: when given, the path is resolved against it and must stay inside it (a chat user cannot point the
 * oracle at /etc/passwd); without it, the path is used as is (relative to the process's working directory).
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Weights } from '../ports/index.ts';
import { UserError } from '../shared/errors.ts';
import type { OracleProposal, ProposingOracle } from './types.ts';

/** Largest weights file read (a weights file is a few lines; anything bigger is a mistake). */
export const MAX_WEIGHTS_FILE_BYTES = 1_000_000;

export interface StaticFileOptions {
  /** The file, relative to `baseDir` when given. */
  readonly path: string;
  /** Directory the path must stay inside. */
  readonly baseDir?: string;
}

export function staticFileOracle(options: StaticFileOptions): ProposingOracle {
  const name = `static:${options.path}`;
  const propose = async (_at: number): Promise<OracleProposal> => ({ weights: await readWeightsFile(options.path, options.baseDir) });
  return {
    name,
    description: `Static weights from ${options.path}, read at every request`,
    propose,
    fetchWeights: async (at) => (await propose(at)).weights,
  };
}

/** Reads and parses a weights file (see the module comment); values are checked to be numbers, not yet validated. */
export async function readWeightsFile(path: string, baseDir?: string): Promise<Weights> {
  const fail = (message: string, code: 'bad_argument' | 'not_found' = 'bad_argument'): never => {
    throw new UserError(code, `Weights file ${path}: ${message}`);
  };
  const full = resolvePath(path, baseDir, fail);
  const ext = extname(full).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') fail('expected a .json, .yaml or .yml file.');
  let text: string;
  try {
    const bytes = await readFile(full);
    if (bytes.length > MAX_WEIGHTS_FILE_BYTES) fail(`${bytes.length} bytes is too large for a weights file (at most ${MAX_WEIGHTS_FILE_BYTES}).`);
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file.' : code === 'EISDIR' ? 'is a directory.' : `cannot be read (${code ?? 'error'}).`, code === 'ENOENT' ? 'not_found' : 'bad_argument');
  }
  let doc: unknown;
  try {
    doc = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    return fail(`not valid ${ext === '.json' ? 'JSON' : 'YAML'} (${firstLine(err)}).`);
  }
  return weightsFromDocument(doc, fail);
}

function resolvePath(path: string, baseDir: string | undefined, fail: (m: string) => never): string {
  if (path.trim() === '') fail('no path given.');
  if (baseDir === undefined) return path;
  const full = resolve(baseDir, path);
  const rel = relative(resolve(baseDir), full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) fail('must be a file inside the weights directory.');
  return full;
}

/** The asset → weight mapping of a parsed document: the top level, or its `weights` key. */
function weightsFromDocument(doc: unknown, fail: (m: string) => never): Weights {
  if (!isPlainObject(doc)) return fail('expected a mapping of asset → weight, e.g. { "SOL": 0.4, "BTC": 0.3, "USDC": 0.3 }.');
  const map = 'weights' in doc ? doc.weights : doc;
  if (!isPlainObject(map)) return fail('`weights` must be a mapping of asset → weight, e.g. weights: { SOL: 0.4, USDC: 0.6 }.');
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(map)) {
    const asset = key.trim().toUpperCase();
    if (asset === '') fail('an empty asset name.');
    if (asset in out) fail(`${asset} appears twice.`);
    if (typeof value !== 'number') fail(`the weight of ${asset} is ${shown(value)}; expected a number (a fraction, 0.4 for 40%).`);
    out[asset] = value;
  }
  return Object.freeze(out);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function shown(value: unknown): string {
  if (typeof value === 'string') return value.length <= 12 ? `the text "${value}"` : 'text';
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'a mapping' : typeof value;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
