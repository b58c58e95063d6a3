/**
 * Enforces DESIGN.md's dependency rules on every source file: which layers may import which, where each SDK and
 * library may be used, and that only src/config.ts reads process.env.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

interface ImportEdge {
  readonly spec: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

/** Every import/export-from/dynamic import of a file, with whether it is type-only. */
export function importsOf(fileName: string, text: string): ImportEdge[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: ImportEdge[] = [];
  const line = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = Boolean(clause?.isTypeOnly) || Boolean(
        clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)
        && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly),
      );
      out.push({ spec: node.moduleSpecifier.text, typeOnly, line: line(node) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, line: line(node) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [a] = node.arguments;
      if (a && ts.isStringLiteral(a)) out.push({ spec: a.text, typeOnly: false, line: line(node) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ spec: node.argument.literal.text, typeOnly: true, line: line(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The layer a project path belongs to ("src/venues/paper", "commands", "src/risk" …). */
export function layerOf(path: string): string {
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('commands/')) return 'commands';
  const m = /^src\/(venues|transports|storage)\/([^/]+)\//.exec(p);
  if (m) return `src/${m[1]}/${m[2]}`;
  if (/^src\/storage\/[^/]+\.ts$/.test(p)) return 'src/storage';
  const top = /^src\/([^/]+)\//.exec(p);
  if (top) return `src/${top[1]}`;
  return p.replace(/\.ts$/, '');
}

type Allowed = readonly string[];

/** Layer → layers it may import at runtime; `type:` entries may be imported by type only. */
const RULES: Readonly<Record<string, Allowed>> = {
  'src/domain': [],
  'src/shared': ['type:src/domain', 'type:src/ports'],
  'src/risk': ['src/domain'],
  'src/core': ['src/domain', 'src/shared', 'type:src/ports'],
  'src/ports': ['src/domain', 'type:src/core'],
  // Oracles are WeightOracle adapters the app composes by name (like risk maths, they do no chat or venue I/O).
  'src/app': ['src/domain', 'src/risk', 'src/core', 'src/ports', 'src/shared', 'src/charts', 'src/oracles', 'src/approvals'],
  'src/approvals': ['src/domain', 'src/core', 'src/ports', 'src/shared'],
  'src/monitor': ['src/domain', 'src/risk', 'src/core', 'src/ports', 'src/shared', 'src/app'],
  'src/oracles': ['src/domain', 'src/risk', 'src/ports', 'src/shared'],
  'src/storage': ['src/domain', 'src/ports', 'src/shared'],
  'src/config': ['src/domain', 'src/shared'],
  // Price-history adapters (CSV files, HTTP candles, cache): like venues, they implement a port.
  'src/prices': ['src/domain', 'src/ports', 'src/shared'],
  // PNG rendering of series the app computed: no computing, no I/O.
  'src/charts': ['src/domain', 'src/shared'],
  commands: ['src/core', 'src/domain', 'src/shared', 'type:src/app'],
};

function allowedFor(layer: string): Allowed | 'any' {
  // The entry and the composition root it loads wire everything.
  if (layer === 'src/main' || layer === 'src/root' || layer === 'src/discord-deploy') return 'any';
  // src/venues/solana is not a venue: the Solana plumbing (sending, confirming, decoding errors) the chain venues share.
  if (layer === 'src/venues/solana') return ['src/domain', 'src/ports', 'src/shared'];
  if (layer === 'src/venues/drift' || layer === 'src/venues/saros') return ['src/domain', 'src/ports', 'src/risk', 'src/shared', 'src/venues/solana'];
  if (layer.startsWith('src/venues/')) return ['src/domain', 'src/ports', 'src/risk', 'src/shared'];
  if (layer.startsWith('src/transports/')) return ['src/core', 'src/domain', 'src/ports', 'src/shared'];
  if (layer.startsWith('src/storage/')) return ['src/storage', 'src/domain', 'src/ports', 'src/shared'];
  return RULES[layer] ?? [];
}

/** Package → the layers (path prefixes) where it may be imported. Packages not listed are allowed anywhere but risk. */
const PACKAGE_HOMES: Readonly<Record<string, readonly string[]>> = {
  grammy: ['src/transports/telegram/'],
  '@grammyjs/': ['src/transports/telegram/'],
  'discord.js': ['src/transports/discord/'],
  '@discordjs/': ['src/transports/discord/'],
  '@drift-labs/': ['src/venues/drift/'],
  '@saros-finance/': ['src/venues/saros/'],
  '@solana/': ['src/venues/'],
  '@coral-xyz/': ['src/venues/'],
  lowdb: ['src/storage/lowdb/'],
  'node-cron': ['src/monitor/'],
  pino: ['src/shared/logger.ts'],
  'chart.js': ['src/charts/'],
  'chartjs-chart-matrix': ['src/charts/'],
  '@napi-rs/canvas': ['src/charts/'],
  'csv-parse': ['src/prices/'],
  yaml: ['src/oracles/'],
};

/** Packages pure layers may use: math only. */
const PURE_PACKAGES = [/^ml-/, /^@stdlib\//, /^quadprog$/, /^fmin$/];
const PURE_LAYERS = new Set(['src/domain', 'src/risk']);

/** Checks one file; returns human-readable violations. */
export function violations(path: string, text: string): string[] {
  const layer = layerOf(path);
  const allowed = allowedFor(layer);
  const out: string[] = [];
  for (const edge of importsOf(path, text)) {
    const where = `${path}:${edge.line}`;
    if (edge.spec.startsWith('.')) {
      const target = relative(ROOT, resolve(ROOT, dirname(path), edge.spec)).replace(/\\/g, '/');
      const targetLayer = layerOf(target);
      if (targetLayer === layer || allowed === 'any') continue;
      if (target.startsWith('commands/') && (layer === 'src/main' || layer === 'src/root' || layer === 'src/discord-deploy')) continue;
      const ok = allowed.includes(targetLayer) || (edge.typeOnly && allowed.includes(`type:${targetLayer}`));
      if (!ok) out.push(`${where}: ${layer} must not import ${targetLayer}${edge.typeOnly ? ' (even by type)' : ''} (${edge.spec})`);
      continue;
    }
    const pkg = edge.spec;
    if (PURE_LAYERS.has(layer)) {
      if (edge.typeOnly) continue;
      if (!PURE_PACKAGES.some((re) => re.test(pkg))) out.push(`${where}: ${layer} is pure and must not import ${pkg}`);
      continue;
    }
    for (const [prefix, homes] of Object.entries(PACKAGE_HOMES)) {
      const matches = prefix.endsWith('/') ? pkg.startsWith(prefix) : pkg === prefix || pkg.startsWith(`${prefix}/`);
      if (matches && !homes.some((h) => path.startsWith(h))) out.push(`${where}: ${pkg} may only be imported in ${homes.join(', ')}`);
    }
  }
  if (path !== 'src/config.ts' && /\bprocess\.env\b/.test(text)) out.push(`${path}: only src/config.ts reads process.env`);
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return walk(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

describe('architecture', () => {
  const files = [...walk(join(ROOT, 'src')), ...walk(join(ROOT, 'commands'))].map((f) => relative(ROOT, f).replace(/\\/g, '/'));

  it('finds the source tree', () => {
    expect(files).toContain('src/main.ts');
    expect(files).toContain('commands/portfolio.ts');
  });

  it('every import edge follows DESIGN.md', () => {
    const found = files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('has one command per file under commands/', () => {
    for (const f of files.filter((x) => x.startsWith('commands/') && x !== 'commands/index.ts')) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      expect(text.match(/defineCommand<[^>]*>\(\)\(/g)?.length, f).toBe(1);
    }
  });

  // The checker itself must be able to fail: each rule is shown a file that breaks it.
  it.each([
    ['src/risk/x.ts', "import { readFileSync } from 'node:fs';", /pure/],
    ['src/risk/x.ts', "import { Dispatcher } from '../core/dispatcher.ts';", /src\/risk must not import src\/core/],
    ['src/domain/x.ts', "import type { Logger } from '../shared/logger.ts';", /src\/domain must not import src\/shared/],
    ['commands/x.ts', "import { PortfolioService } from '../src/app/portfolio.ts';", /commands must not import src\/app/],
    ['commands/x.ts', "import { Bot } from 'grammy';", /grammy may only be imported/],
    ['commands/x.ts', "import { DriftClient } from '@drift-labs/sdk';", /@drift-labs\/sdk may only/],
    ['src/venues/paper/x.ts', "import { reply } from '../../core/reply.ts';", /must not import src\/core/],
    ['src/venues/paper/x.ts', "import { x } from '../drift/y.ts';", /must not import src\/venues\/drift/],
    ['src/venues/saros/x.ts', "import { x } from '../drift/y.ts';", /must not import src\/venues\/drift/],
    ['src/venues/solana/x.ts', "import { x } from '../saros/y.ts';", /must not import src\/venues\/saros/],
    ['src/transports/console/x.ts', "import { aggregatePortfolio } from '../../app/portfolio.ts';", /must not import src\/app/],
    ['src/transports/console/x.ts', "import { binPrice } from '../../risk/lp.ts';", /must not import src\/risk/],
    ['src/app/x.ts', "import { Low } from 'lowdb';", /lowdb may only/],
    ['src/app/x.ts', 'const t = process.env.TOKEN;', /process\.env/],
    ['src/core/x.ts', "const m = await import('../app/build.ts');", /src\/core must not import src\/app/],
  ])('flags %s importing %s', (path, text, message) => {
    expect(violations(path, text).join('\n')).toMatch(message);
  });

  it.each([
    ['commands/x.ts', "import type { AppServices } from '../src/app/services.ts';"],
    ['commands/x.ts', "import { type AppServices } from '../src/app/services.ts';"],
    ['src/venues/paper/x.ts', "import { binPrice } from '../../risk/lp.ts';"],
    ['src/risk/x.ts', "import { Matrix } from 'ml-matrix';"],
    ['src/main.ts', "import { COMMANDS } from '../commands/index.ts';"],
  ])('allows %s importing %s', (path, text) => {
    expect(violations(path, text)).toEqual([]);
  });
});
