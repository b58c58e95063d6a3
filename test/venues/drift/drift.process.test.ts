/**
 * `npm start` against a Drift account: the real program with SOLANA_RPC_URL at the fake RPC serving Drift's mainnet
 * fixture, watch-only (DRIFT_AUTHORITIES), answering in the terminal chat with the SDK's figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';
import { describeShared, sharedPath } from '../../helpers/shared-dir.ts';
import { startVigil, stop, whenAnswering } from '../../helpers/vigil-process.ts';
import { loadFixtureSet, serveFixtureSet } from './fixtures.ts';

let rpc: FakeSolanaRpc;
let dir: string;
beforeEach(async () => {
  rpc = new FakeSolanaRpc();
  await rpc.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-drift-'));
});
afterEach(async () => {
  await rpc.stop();
  await rm(dir, { recursive: true, force: true });
});

describeShared('Vigil on a Drift account (fake RPC, mainnet fixture)', () => {
  it.each(['polling', 'websocket'] as const)('%s: /portfolio, /positions and /health show the account, health as the SDK computes it', async (subscription) => {
    const { authority } = await serveFixtureSet(rpc, loadFixtureSet('swift_failure'));
    const v = startVigil(dir, {
      SOLANA_RPC_URL: rpc.url, SOLANA_WS_URL: rpc.wsUrl, DRIFT_AUTHORITIES: authority, DRIFT_SUBSCRIPTION: subscription,
      PRICE_HISTORY: 'csv', PRICE_HISTORY_DIR: sharedPath('data', 'prices'),
    });
    const from = await whenAnswering(v, 40_000);
    v.child.stdin.write('/positions\n/health\n/portfolio\n');
    await v.waitFor(/== Portfolio ==[\s\S]*Total value/, { from, ms: 30_000 });
    const out = v.stdout().slice(from);
    expect(out).toContain('BTC-PERP · long 0.3 BTC');
    expect(out).toContain('JUP-PERP · long 20,000 JUP');
    expect(out).toMatch(/== Health \d+\/100 ==/);
    const ended = await stop(v, 10_000);
    expect(ended.code).toBe(0);
    expect(rpc.calls('getProgramAccounts')).toHaveLength(0);
  }, 60_000);
});
