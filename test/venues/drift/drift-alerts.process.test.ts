/**
 * A Drift account's liquidation risk reaches Telegram the moment an oracle moves: the real program (websocket
 * subscription to the fake RPC, Telegram through the fake Bot API), an oracle price pushed over the WebSocket, and
 * exactly one CRITICAL health alert with its Protect button.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BN } from '@coral-xyz/anchor';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { decodeDriftAccount, encodeDriftAccount } from '../../fakes/drift-accounts.ts';
import { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { describeShared, sharedPath } from '../../helpers/shared-dir.ts';
import { startVigil, stop } from '../../helpers/vigil-process.ts';
import { loadFixtureSet, serveFixtureSet, type FixtureSet } from './fixtures.ts';

const TRADER = 222_222;
let rpc: FakeSolanaRpc;
let tg: FakeTelegramBotApi;
let dir: string;
beforeEach(async () => {
  rpc = new FakeSolanaRpc();
  await rpc.start();
  tg = new FakeTelegramBotApi({ chats: [{ id: TRADER, type: 'private', firstName: 'Tess' }] });
  await tg.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-drift-alert-'));
});
afterEach(async () => {
  await tg.stop();
  await rpc.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Pushes `set`'s oracle `name` with its price scaled by `factor` (a PythLazerOracle account). */
function pushOracle(set: FixtureSet, name: string, factor: number): void {
  const a = set.accounts.find((x) => x.name === name);
  if (!a) throw new Error(`no oracle ${name}`);
  const o = decodeDriftAccount<{ price: BN; publishTime: BN; postedSlot: BN }>('PythLazerOracle', Buffer.from(a.dataBase64, 'base64'));
  const price = o.price.mul(new BN(Math.round(factor * 1_000_000))).div(new BN(1_000_000));
  rpc.setAccount(a.pubkey, { data: encodeDriftAccount('PythLazerOracle', { ...o, price }, a.size), owner: a.owner });
}

describeShared('Drift liquidation alerts (websocket)', () => {
  it('BTC 2% lower on the oracle socket: one CRITICAL health alert with Protect reaches the subscribed chat', async () => {
    const set = loadFixtureSet('swift_failure');
    const { authority } = await serveFixtureSet(rpc, set);
    const v = startVigil(dir, {
      TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${TRADER}:trader`, TELEGRAM_API_ROOT: tg.url,
      SOLANA_RPC_URL: rpc.url, SOLANA_WS_URL: rpc.wsUrl, DRIFT_AUTHORITIES: authority, DRIFT_SUBSCRIPTION: 'websocket',
      PRICE_HISTORY: 'csv', PRICE_HISTORY_DIR: sharedPath('data', 'prices'), LOG_LEVEL: 'warn',
      // Scheduled evaluations only once a year: the alert can only come from the pushed account update.
      MONITOR_RISK_CRON: '0 0 0 1 1 *', MONITOR_REFRESH_CRON: '0 0 0 1 1 *', MONITOR_DRIFT_CRON: '0 0 0 1 1 *',
    });
    await tg.waitForCall('deleteWebhook', () => true, 30_000);
    // Every account subscribed (the SDK's subscribe() resolves before the last ones reach the server).
    await rpc.waitForSubscriptions(14, 15_000, { method: 'accountSubscribe' });
    tg.userSends('/subscribe', { userId: TRADER });
    await tg.waitForMessage((m) => m.chatId === TRADER && m.text.includes('receives alerts'), 15_000);
    const since = tg.mark();
    pushOracle(set, 'BTC-PERP oracle', 0.98);
    pushOracle(set, 'wBTC oracle', 0.98);
    const alert = await tg.waitForMessage((m) => m.chatId === TRADER && /CRITICAL: Health/.test(m.text), 15_000, { since });
    expect(alert.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toContain('Protect');
    // Give a duplicate the time to arrive, then count.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(tg.sent(TRADER).filter((m) => /CRITICAL: Health/.test(m.text))).toHaveLength(1);
    const ended = await stop(v, 10_000);
    expect(ended.code).toBe(0);
  }, 60_000);
});
