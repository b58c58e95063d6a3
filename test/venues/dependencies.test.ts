/**
 * One copy of each Solana library: a second @solana/web3.js breaks `instanceof PublicKey` across the SDKs and makes
 * their transactions fail to simulate. npm's own view (`npm ls --all`) and the files on disk must both say one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnProcess } from '../helpers/processes.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Every installed copy of `name` under node_modules (nested ones included), as path → version. */
function copiesOnDisk(name: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (dir: string, depth: number): void => {
    if (depth > 8) return;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      if (e.startsWith('@')) {
        for (const sub of readdirSync(p)) {
          const q = join(p, sub);
          if (`${e}/${sub}` === name) out.set(q, (JSON.parse(readFileSync(join(q, 'package.json'), 'utf8')) as { version: string }).version);
          if (statSync(join(q, 'node_modules'), { throwIfNoEntry: false })?.isDirectory()) visit(join(q, 'node_modules'), depth + 1);
        }
      } else if (statSync(join(p, 'node_modules'), { throwIfNoEntry: false })?.isDirectory()) {
        visit(join(p, 'node_modules'), depth + 1);
      }
    }
  };
  visit(join(ROOT, 'node_modules'), 0);
  return out;
}

/** The versions `npm ls --all` resolves for `name`. */
async function npmVersions(name: string): Promise<Set<string>> {
  const p = spawnProcess('npm', ['ls', '--all', '--json', name], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT }, limitMs: 60_000 });
  const ended = await p.exited;
  const versions = new Set<string>();
  const walk = (deps: Record<string, { version?: string; dependencies?: Record<string, unknown> }> | undefined): void => {
    for (const [n, d] of Object.entries(deps ?? {})) {
      if (n === name && d.version) versions.add(d.version);
      walk(d.dependencies as Record<string, { version?: string }> | undefined);
    }
  };
  walk((JSON.parse(ended.stdout) as { dependencies?: Record<string, { version?: string }> }).dependencies);
  return versions;
}

describe('one copy of each Solana library', () => {
  it('@solana/web3.js: one version for npm, one directory on disk', async () => {
    expect([...await npmVersions('@solana/web3.js')]).toEqual(['1.98.4']);
    expect([...copiesOnDisk('@solana/web3.js').values()]).toEqual(['1.98.4']);
  }, 90_000);

  it('@coral-xyz/anchor: the one Drift needs at the top level (0.29), Saros its own 0.31.1 nested under its SDK', () => {
    const copies = copiesOnDisk('@coral-xyz/anchor');
    expect(copies.get(join(ROOT, 'node_modules', '@coral-xyz', 'anchor'))).toBe('0.29.0');
    expect(copies.get(join(ROOT, 'node_modules', '@saros-finance', 'dlmm-sdk', 'node_modules', '@coral-xyz', 'anchor'))).toBe('0.31.1');
    expect(copies.size).toBe(2);
  });

  it("the Saros SDK's build tool (tsdx, ~220 MB) is replaced by an empty package, and the SDK still loads", async () => {
    const tsdx = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'tsdx', 'package.json'), 'utf8')) as { name: string; dependencies?: object };
    expect(tsdx.name).toBe('empty-npm-package');
    expect(tsdx.dependencies ?? {}).toEqual({});
    const { LiquidityBookServices, MODE } = await import('@saros-finance/dlmm-sdk');
    const { PublicKey } = await import('@solana/web3.js');
    const sdk = new LiquidityBookServices({ mode: MODE.MAINNET, options: { rpcUrl: 'http://127.0.0.1:9' } });
    // The SDK's keys are instances of the one web3.js this project uses.
    expect(sdk.lbProgram.programId).toBeInstanceOf(PublicKey);
    expect(sdk.lbProgram.programId.toBase58()).toBe('1qbkdrr3z4ryLA7pZykqxvxWPoeifcVKo6ZG9CfkvVE');
  });
});
