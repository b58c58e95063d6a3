/**
 * `npm run bench`: Saros over the offline chain (real mainnet program in solana-bankrun behind the fake RPC). Reports
 * RPC calls and time to load every position of a wallet holding 10 positions over 3 pairs (first read, and a warm
 * read with mint decimals cached), compute units of the program's instructions as executed, and the RSS with both
 * the Saros and Drift SDKs loaded. Nothing asserts a speed. Needs ../shared (skips without).
 */
import { performance } from 'node:perf_hooks';
import { test } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { sarosServices } from '../../src/venues/saros/accounts.ts';
import { liquidityDraft } from '../../src/app/actions/liquidity.ts';
import type { ActionPlan } from '../../src/domain/index.ts';
import { SarosExecutor } from '../../src/venues/saros/executor.ts';
import { SarosVenue } from '../../src/venues/saros/venue.ts';
import { startSarosChain } from '../fakes/saros-chain.ts';
import { createPool, openPosition, writeConfig, type OpenedPosition } from '../fakes/saros-pools.ts';
import { HAVE_SHARED } from '../helpers/shared-dir.ts';

function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
}

test.skipIf(!HAVE_SHARED)('saros: positions of a wallet with 10 positions over 3 pairs', { timeout: 300_000 }, async () => {
  const chain = await startSarosChain();
  const sdk = sarosServices(chain.rpc.url);
  await writeConfig(chain, sdk);
  const symbols: Record<string, string> = {};
  const opened: OpenedPosition[] = [];
  const specs = [{ name: 'SOL', price: 150, dx: 9, n: 4 }, { name: 'JUP', price: 0.8, dx: 6, n: 3 }, { name: 'BONK', price: 0.00002, dx: 5, n: 3 }];
  const usdc = await chain.createMint(6, true);
  symbols[usdc.toBase58()] = 'USDC';
  for (const s of specs) {
    const pool = await createPool(chain, sdk, { decimalsX: s.dx, decimalsY: 6, binStep: 20, price: s.price, mintY: usdc });
    symbols[pool.mintX.toBase58()] = s.name;
    await chain.setTokenBalance(chain.payer.publicKey, pool.mintX, 10n ** BigInt(s.dx + 9));
    await chain.setTokenBalance(chain.payer.publicKey, usdc, 10n ** 15n);
    for (let k = 0; k < s.n; k++) {
      opened.push(await openPosition(chain, sdk, pool, { left: -5 - k, right: 5 + k, amountX: 10n ** BigInt(s.dx + 1), amountY: 1_000n * 10n ** 6n }));
    }
  }
  const prices: Record<string, number> = { SOL: 150, JUP: 0.8, BONK: 0.00002, USDC: 1 };
  const times: number[] = [];
  const warm: number[] = [];
  let firstCalls = '';
  let warmCalls = '';
  for (let run = 0; run < 7; run++) {
    const venue = new SarosVenue({
      rpcUrl: chain.rpc.url, owners: [chain.payer.publicKey.toBase58()], symbolOf: (m) => symbols[m],
      prices: (xs) => Promise.resolve(Object.fromEntries(xs.map((x) => [x, prices[x] ?? 0]))), clock: new ManualClock(Date.now()), logger: silentLogger(),
    });
    const c0 = chain.rpc.calls().length;
    let t0 = performance.now();
    const snap = await venue.snapshot();
    times.push(performance.now() - t0);
    if (snap.positions.length !== 10) throw new Error(`expected 10 positions, read ${snap.positions.length}`);
    const c1 = chain.rpc.calls().length;
    t0 = performance.now();
    await venue.snapshot();
    warm.push(performance.now() - t0);
    const c2 = chain.rpc.calls().length;
    firstCalls = `${c1 - c0} calls (${chain.rpc.calls().slice(c0, c1).map((c) => c.method).join(', ')})`;
    warmCalls = `${c2 - c1} calls`;
  }
  // Compute units the real program used (bankrun), per instruction kind.
  const units = (label: string, xs: number[]): string => `${label} ${Math.min(...xs)}–${Math.max(...xs)}`;
  // A re-center of the first SOL position (1,500 USD of SOL against 1,000 USDC: the swap leg runs), sent by the
  // executor as it would be after Confirm: the compute units of each leg's transaction as the program ran it.
  const venue = new SarosVenue({
    rpcUrl: chain.rpc.url, owners: [chain.payer.publicKey.toBase58()], symbolOf: (m) => symbols[m],
    prices: (xs) => Promise.resolve(Object.fromEntries(xs.map((x) => [x, prices[x] ?? 0]))),
    clock: new ManualClock(Number((await chain.context.banksClient.getClock()).unixTimestamp) * 1000), logger: silentLogger(),
  });
  await venue.snapshot();
  const target = `saros:${opened[0]!.position.toBase58()}`;
  const draft = liquidityDraft(await venue.previewRecenter(target, { width: 11, shape: 'spot' }), { kind: 'recenter', args: { positionId: target } });
  const plan: ActionPlan = {
    ...draft, id: 'bench', createdAt: 0, expiresAt: 1, planHash: '', mode: 'live', requestedBy: 'bench', requestedByName: 'bench', chat: { platform: 'console', chatId: 'bench' },
  };
  const sendsBefore = chain.rpc.transactions('send').length;
  const executed = await new SarosExecutor({ venue, signer: chain.payer, logger: silentLogger() }).execute(plan, { beforeBroadcast: () => Promise.resolve() });
  if (!executed.ok) throw new Error(`re-center failed: ${executed.error ?? ''}`);
  const legUnits = chain.rpc.transactions('send').slice(sendsBefore).map((r, i) => `${draft.legs[i]?.lp?.step ?? '?'} ${r.execution?.unitsConsumed ?? '?'}`);
  const { LiquidityBookServices } = await import('@saros-finance/dlmm-sdk');
  await import('@drift-labs/sdk');
  void LiquidityBookServices;
  process.stdout.write([
    `Saros: 10 positions over 3 pairs: first read ${firstCalls}, median ${median(times).toFixed(1)} ms; warm read ${warmCalls}, median ${median(warm).toFixed(1)} ms (7 runs; goal ≤ 4 calls)`,
    `Saros compute units as executed by the real program: ${units('create_position', opened.map((o) => o.unitsConsumed.create))}; ${units('increase_position (Spot, 11–17 bins)', opened.map((o) => o.unitsConsumed.add))}`,
    `Saros re-center legs as executed (one transaction each, with the compute-budget and token-account instructions): ${legUnits.join('; ')} CU`,
    `RSS with the Saros and Drift SDKs loaded (and the bank): ${Math.round(process.memoryUsage().rss / 1e6)} MB (goal < 400 MB)`,
  ].join('\n') + '\n');
  await chain.stop();
});
