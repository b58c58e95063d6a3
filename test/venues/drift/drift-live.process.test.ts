/**
 * Live hedging on Drift end to end: the real program (polling subscription to the fake RPC serving Drift's mainnet
 * fixture swift_failure, Telegram through the fake Bot API) with EXECUTION_MODE=live and a fresh key made the
 * sub-account's delegate (SYNTHETIC: the fixture's User account is patched; the authority stays the fixture's).
 * `/hedge BTC` plans and simulates a confirm card; only Confirm by the trader sends, exactly once. Dry run sends
 * nothing; a program error on simulation leaves a card without Confirm.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BorshInstructionCoder, type BN, type Idl } from '@coral-xyz/anchor';
import { DRIFT_PROGRAM_ID } from '@drift-labs/sdk';
import driftIdl from '@drift-labs/sdk/lib/node/idl/drift.json' with { type: 'json' };
import { Keypair } from '@solana/web3.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeSolanaRpc, type TransactionRecord } from '../../fakes/solana-rpc.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi, type CallbackAnswer, type SentMessage } from '../../fakes/telegram-bot-api.ts';
import { describeShared, sharedPath } from '../../helpers/shared-dir.ts';
import { startVigil, stop, type VigilChild } from '../../helpers/vigil-process.ts';
import { loadFixtureSet, serveFixtureSet, withDelegate } from './fixtures.ts';
import { buttonLabels, dataOf } from '../../helpers/telegram-cards.ts';

const TRADER = 222_222;
const IDL_ERRORS = (driftIdl as { errors: readonly { code: number; name: string }[] }).errors;
const INSUFFICIENT_COLLATERAL = IDL_ERRORS.find((e) => e.name === 'InsufficientCollateral')!.code;

let rpc: FakeSolanaRpc;
let tg: FakeTelegramBotApi;
let dir: string;
beforeEach(async () => {
  rpc = new FakeSolanaRpc();
  await rpc.start();
  tg = new FakeTelegramBotApi({ chats: [{ id: TRADER, type: 'private', firstName: 'Tess' }] });
  await tg.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-drift-live-'));
});
afterEach(async () => {
  await tg.stop();
  await rpc.stop();
  await rm(dir, { recursive: true, force: true });
});


interface DecodedOrder {
  readonly marketIndex: number;
  readonly direction: Record<string, unknown>;
  readonly baseAssetAmount: BN;
  readonly reduceOnly: boolean;
}

/** The placePerpOrder params of every Drift instruction in a recorded transaction. */
function placedOrders(rec: TransactionRecord): DecodedOrder[] {
  const coder = new BorshInstructionCoder(driftIdl as unknown as Idl);
  return rec.transaction.message.compiledInstructions.flatMap((ix) => {
    if (rec.accountKeys[ix.programIdIndex] !== DRIFT_PROGRAM_ID) return [];
    const decoded = coder.decode(Buffer.from(ix.data));
    if (decoded?.name !== 'placePerpOrder') throw new Error(`unexpected Drift instruction ${decoded?.name ?? '?'}`);
    return [(decoded.data as { params: DecodedOrder }).params];
  });
}



/** Presses `data` on `m` as the trader and waits for the callback answer. */
async function press(m: SentMessage, data: string): Promise<CallbackAnswer> {
  const id = tg.userPresses(m.messageId, data, { userId: TRADER, chatId: m.chatId, firstName: 'Tess', anyData: true }).callback_query!.id;
  const e = await tg.waitFor((x) => x.kind === 'callbackAnswer' && x.answer.callbackQueryId === id, 30_000);
  if (e.kind !== 'callbackAnswer') throw new Error('unreachable');
  return e.answer;
}

/** Waits until message `m` has at least `versions` versions (sent + edits) and returns it. */
function edited(m: SentMessage, versions: number): Promise<SentMessage> {
  return tg.waitForMessage((x) => x.chatId === m.chatId && x.messageId === m.messageId && x.versions.length >= versions, 30_000);
}

/** Serves the fixture with a fresh delegate key, writes its keypair file (mode 600) and starts Vigil. */
async function start(mode: 'live' | 'dry-run'): Promise<{ v: VigilChild; signer: Keypair; authority: string }> {
  const signer = Keypair.generate();
  const { authority } = await serveFixtureSet(rpc, withDelegate(loadFixtureSet('swift_failure'), signer.publicKey));
  const keyFile = join(dir, 'delegate.json');
  await writeFile(keyFile, JSON.stringify([...signer.secretKey]), { mode: 0o600 });
  const v = startVigil(dir, {
    TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${TRADER}:trader`, TELEGRAM_API_ROOT: tg.url,
    SOLANA_RPC_URL: rpc.url, SOLANA_WS_URL: rpc.wsUrl, DRIFT_AUTHORITIES: authority, DRIFT_SUBSCRIPTION: 'polling',
    PRICE_HISTORY: 'csv', PRICE_HISTORY_DIR: sharedPath('data', 'prices'), WALLET_KEYPAIR: keyFile,
    EXECUTION_MODE: mode, LOG_LEVEL: 'warn',
  });
  await tg.waitForCall('deleteWebhook', () => true, 30_000);
  return { v, signer, authority };
}

/** `/hedge BTC` as the trader: the card (the first message about the hedge). */
async function hedge(): Promise<SentMessage> {
  const since = tg.mark();
  tg.userSends('/hedge BTC', { userId: TRADER, firstName: 'Tess' });
  return tg.waitForMessage((m) => m.chatId === TRADER && m.text.includes('Hedge BTC'), 30_000, { since });
}

async function stopped(v: VigilChild): Promise<void> {
  const ended = await stop(v, 10_000);
  expect(ended.code, v.stderr()).toBe(0);
}

describeShared('Drift live execution (real program, fake RPC and Telegram)', () => {
  it('live: the card sends nothing; Confirm sends one reduce-only BTC-PERP short; a double tap sends nothing more', async () => {
    const { v, signer, authority } = await start('live');
    const card = await hedge();
    expect(v.stderr()).toContain(`vigil: Drift ${authority}/0: orders signed by the delegate key ${signer.publicKey.toBase58()}`);
    expect(card.text.split('\n')[0]).toMatch(/^Hedge BTC to .* · LIVE$/);
    expect(card.text).toMatch(/SELL \(RO\)\s+0\.3 BTC-PERP/);
    expect(card.text).toContain('LIVE: Confirm signs and sends real transactions.');
    expect(buttonLabels(card)).toEqual(['Confirm', 'Cancel']);
    expect(rpc.calls('simulateTransaction')).toHaveLength(1);
    expect(rpc.calls('sendTransaction')).toHaveLength(0);

    const ok = dataOf(card, 'Confirm');
    const answer = await press(card, ok);
    expect(answer.text).toBe('Executed.');
    const done = await edited(card, 2);
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    const sent = rpc.transactions('send');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.rejected).toBeUndefined();
    expect(sent[0]!.accountKeys[0]).toBe(signer.publicKey.toBase58());
    expect(sent[0]!.programIds).toContain(DRIFT_PROGRAM_ID);
    const orders = placedOrders(sent[0]!);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.marketIndex).toBe(1);
    expect(Object.keys(orders[0]!.direction)).toEqual(['short']);
    expect(orders[0]!.baseAssetAmount.toString()).toBe('300000000');
    expect(orders[0]!.reduceOnly).toBe(true);
    expect(done.text.split('\n')[0]).toMatch(/^✅ Executed · Hedge BTC/);
    expect(done.text).toMatch(/SELL\s+0\.3 BTC-PERP/);
    // The signature shortened, linked to the explorer.
    const sig = sent[0]!.signature;
    expect(done.text).toContain(`${sig.slice(0, 6)}…${sig.slice(-8)}`);
    expect(done.entities.some((e) => e.type === 'text_link' && e.url === `https://solscan.io/tx/${sig}`)).toBe(true);
    expect(done.text).toMatch(/· LIVE · executed by Tess/);
    expect(done.replyMarkup).toBeUndefined();

    // A second tap on the same Confirm (a stale client): answered, nothing sent.
    const again = await press(card, ok);
    expect(again.text).toMatch(/^Already (executed|confirmed)/);
    await new Promise((r) => setTimeout(r, 500));
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    await stopped(v);
  }, 90_000);

  it('dry-run: Confirm simulates only; nothing is sent', async () => {
    const { v, signer, authority } = await start('dry-run');
    const card = await hedge();
    expect(v.stderr()).toContain(`vigil: Drift ${authority}/0: orders signed by the delegate key ${signer.publicKey.toBase58()}`);
    expect(card.text).toMatch(/SELL \(RO\)\s+0\.3 BTC-PERP/);
    expect(card.text).toContain('DRY RUN: Confirm re-checks and simulates; nothing is sent.');
    expect(buttonLabels(card)).toEqual(['Confirm', 'Cancel']);
    const answer = await press(card, dataOf(card, 'Confirm'));
    expect(answer.text).toBe('Dry run: simulated, nothing sent.');
    const done = await edited(card, 2);
    expect(done.text.split('\n')[0]).toMatch(/^🧪 Dry run: simulated, nothing sent · Hedge BTC/);
    expect(rpc.calls('sendTransaction')).toHaveLength(0);
    expect(rpc.transactions('send')).toHaveLength(0);
    await stopped(v);
  }, 90_000);

  it('live: a Drift program error on simulation shows its name on a card without Confirm; nothing is sent', async () => {
    rpc.scriptSimulation({
      err: { InstructionError: [2, { Custom: INSUFFICIENT_COLLATERAL }] },
      logs: [
        `Program ${DRIFT_PROGRAM_ID} invoke [1]`,
        'Program log: Instruction: PlacePerpOrder',
        'Program log: Error InsufficientCollateral thrown at programs/drift/src/controller/orders.rs:3400',
        `Program log: AnchorError occurred. Error Code: InsufficientCollateral. Error Number: ${INSUFFICIENT_COLLATERAL}. Error Message: Insufficient collateral.`,
        `Program ${DRIFT_PROGRAM_ID} failed: custom program error: 0x${INSUFFICIENT_COLLATERAL.toString(16)}`,
      ],
    }, { count: 10 });
    const { v } = await start('live');
    const card = await hedge();
    expect(card.text).toContain('Simulation failed: InsufficientCollateral');
    expect(card.text).toContain('Nothing can be confirmed.');
    expect(buttonLabels(card)).not.toContain('Confirm');
    expect(rpc.calls('simulateTransaction').length).toBeGreaterThanOrEqual(1);
    expect(rpc.calls('sendTransaction')).toHaveLength(0);
    await stopped(v);
  }, 90_000);
});
