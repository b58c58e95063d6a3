/**
 * A websocket subscription that goes silent is noticed: snapshots keep the time of the last sign of life (so the
 * stale-data alert can fire), the client resubscribes, and once slots flow again the accounts are re-read (updates
 * sent during the silence were never delivered).
 */
import type { BN } from '@coral-xyz/anchor';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import { DriftVenue } from '../../../src/venues/drift/venue.ts';
import { decodeDriftAccount, encodeDriftAccount } from '../../fakes/drift-accounts.ts';
import { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';
import { describeShared } from '../../helpers/shared-dir.ts';
import { loadFixtureSet, serveFixtureSet } from './fixtures.ts';

let rpc: FakeSolanaRpc;
let venue: DriftVenue | undefined;
let ticker: NodeJS.Timeout | undefined;
beforeEach(async () => {
  rpc = new FakeSolanaRpc();
  await rpc.start();
});
afterEach(async () => {
  if (ticker) clearInterval(ticker);
  await venue?.close(2_000);
  venue = undefined;
  await rpc.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describeShared('Drift websocket liveness', () => {
  it('silent past the limit: reads over HTTP (figures current); HTTP down too: asOf ages; slots again: alive, said once', async () => {
    const set = loadFixtureSet('swift_failure');
    const { authority } = await serveFixtureSet(rpc, set);
    const clock = new ManualClock(Date.UTC(2026, 11, 7));
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => { lines.push(l); } } });
    venue = await DriftVenue.connect({
      rpcUrl: rpc.url, wsUrl: rpc.wsUrl, env: 'mainnet-beta', authorities: [authority], subAccounts: null, subscription: 'websocket',
      clock, logger, staleAfterMs: 1_000,
    });
    await rpc.waitForSubscriptions(15, 15_000); // 14 accounts and the slot
    // Alive: slots advance with the clock.
    ticker = setInterval(() => { clock.advance(100); rpc.advanceSlot(); }, 50);
    await sleep(400);
    const fresh = await venue.snapshot();
    expect(clock.now() - fresh.asOf).toBeLessThanOrEqual(200);

    // Silent: the server accepts subscriptions but notifies nothing; a change made meanwhile is not pushed, but the
    // venue notices the silence and reads over HTTP, so the figures stay current.
    rpc.muteWebSockets(true);
    const btc = set.accounts.find((a) => a.name === 'BTC-PERP oracle')!;
    const o = decodeDriftAccount<{ price: BN }>('PythLazerOracle', Buffer.from(btc.dataBase64, 'base64'));
    rpc.setAccount(btc.pubkey, { data: encodeDriftAccount('PythLazerOracle', { ...o, price: o.price.muln(9).divn(10) }, btc.size), owner: btc.owner });
    await sleep(1_800);
    expect(lines.filter((l) => l.includes('drift subscription silent; reading over HTTP until it is back'))).toHaveLength(1);
    const polled = await venue.snapshot();
    expect(polled.prices.BTC).toBeCloseTo(104_966.77375 * 0.9, 2);
    // Read every check (the clock runs 2× real time here): never older than two limits.
    expect(clock.now() - polled.asOf).toBeLessThanOrEqual(2_000);

    // HTTP fails too: the data ages, which is what the stale-data alert reads.
    rpc.failNext('getMultipleAccounts', { status: 500 }, { count: Infinity });
    rpc.failNext('getAccountInfo', { status: 500 }, { count: Infinity });
    await sleep(1_500);
    const stale = await venue.snapshot();
    expect(clock.now() - stale.asOf).toBeGreaterThan(2_500);

    // Back: slot notifications resume; the venue says so once.
    rpc.clearFaults();
    rpc.muteWebSockets(false);
    await sleep(800);
    const back = await venue.snapshot();
    expect(clock.now() - back.asOf).toBeLessThanOrEqual(500);
    expect(lines.filter((l) => l.includes('drift subscription is alive again'))).toHaveLength(1);
  }, 30_000);
});
