/**
 * A crash between sign and confirm, end to end: the real program (polling subscription to the fake RPC serving Drift's
 * mainnet fixture swift_failure, Telegram through the fake Bot API, EXECUTION_MODE=live, a fresh key made the
 * sub-account's delegate — SYNTHETIC: the fixture's User account is patched) sends the Confirmed hedge, and is killed
 * (SIGKILL) before the fake RPC lands it. The plan is left `executing` in data/vigil.json with its signature stored.
 * A second run on the same directory settles it from that signature and its stored last valid block height (start-up
 * reconciliation) and never re-sends.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeSolanaRpc } from '../../fakes/solana-rpc.ts';
import { DEFAULT_TOKEN, FakeTelegramBotApi } from '../../fakes/telegram-bot-api.ts';
import { describeShared, sharedPath } from '../../helpers/shared-dir.ts';
import { until } from '../../helpers/until.ts';
import { startVigil, stop, type VigilChild } from '../../helpers/vigil-process.ts';
import { loadFixtureSet, serveFixtureSet, withDelegate } from './fixtures.ts';
import { dataOf } from '../../helpers/telegram-cards.ts';

const TRADER = 222_222;

let rpc: FakeSolanaRpc;
let tg: FakeTelegramBotApi;
let dir: string;
let children: VigilChild[] = [];
beforeEach(async () => {
  // Nothing lands on its own: only `confirmSignature` lands a sent transaction.
  rpc = new FakeSolanaRpc({ confirmAfterMs: null });
  await rpc.start();
  tg = new FakeTelegramBotApi({ chats: [{ id: TRADER, type: 'private', firstName: 'Tess' }] });
  await tg.start();
  dir = await mkdtemp(join(tmpdir(), 'vigil-drift-restart-'));
  children = [];
});
afterEach(async () => {
  for (const c of children) await stop(c, 10_000).catch(() => undefined);
  await tg.stop();
  await rpc.stop();
  await rm(dir, { recursive: true, force: true });
});



interface StoredApproval {
  readonly approval: { readonly state: string; readonly signatures: readonly string[]; readonly error?: string; readonly reconciled?: boolean; readonly decidedBy?: string };
}

/** The approvals section of data/vigil.json (as the last write left it). */
async function approvals(): Promise<Record<string, StoredApproval>> {
  const doc = JSON.parse(await readFile(join(dir, 'data', 'vigil.json'), 'utf8')) as { approvals?: Record<string, StoredApproval> };
  return doc.approvals ?? {};
}

/** Serves the fixture with a fresh delegate key and writes its keypair file (mode 600); returns the environment. */
async function prepare(): Promise<Record<string, string>> {
  const signer = Keypair.generate();
  const { authority } = await serveFixtureSet(rpc, withDelegate(loadFixtureSet('swift_failure'), signer.publicKey));
  const keyFile = join(dir, 'delegate.json');
  await writeFile(keyFile, JSON.stringify([...signer.secretKey]), { mode: 0o600 });
  return {
    TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_ALLOWED_USERS: `${TRADER}:trader`, TELEGRAM_API_ROOT: tg.url,
    SOLANA_RPC_URL: rpc.url, SOLANA_WS_URL: rpc.wsUrl, DRIFT_AUTHORITIES: authority, DRIFT_SUBSCRIPTION: 'polling',
    PRICE_HISTORY: 'csv', PRICE_HISTORY_DIR: sharedPath('data', 'prices'), WALLET_KEYPAIR: keyFile,
    EXECUTION_MODE: 'live', LOG_LEVEL: 'warn',
  };
}

async function launch(env: Record<string, string>): Promise<VigilChild> {
  const since = tg.mark();
  const v = startVigil(dir, env);
  children.push(v);
  await tg.waitForCall('deleteWebhook', () => true, 60_000, { since });
  return v;
}

/**
 * First run: `/hedge BTC`, Confirm, wait for the one sendTransaction, SIGKILL. Returns the plan id and the signature
 * the state file holds for it (state `executing`).
 */
async function crashAfterSend(env: Record<string, string>): Promise<{ planId: string; signature: string }> {
  const v = await launch(env);
  const since = tg.mark();
  tg.userSends('/hedge BTC', { userId: TRADER, firstName: 'Tess' });
  const card = await tg.waitForMessage((m) => m.chatId === TRADER && m.text.includes('Hedge BTC'), 30_000, { since });
  const planId = /Plan ([a-z0-9]+)/.exec(card.text)?.[1];
  expect(planId, card.text).toBeDefined();
  tg.userPresses(card.messageId, dataOf(card, 'Confirm'), { userId: TRADER, chatId: card.chatId, firstName: 'Tess', anyData: true });
  await rpc.waitForCall('sendTransaction', () => true, 30_000);
  // The signature was stored before broadcast; give the (single) write a moment to reach the file.
  const stored = await until('the stored signature', async () => {
    const r = (await approvals())[planId!];
    return r && r.approval.signatures.length > 0 ? r : undefined;
  }, 5_000);
  v.child.kill('SIGKILL');
  await v.exited;
  children = children.filter((c) => c !== v);

  const sent = rpc.transactions('send');
  expect(sent).toHaveLength(1);
  expect(rpc.calls('sendTransaction')).toHaveLength(1);
  expect(rpc.signatureStatus(sent[0]!.signature)).toBeNull();
  const after = (await approvals())[planId!]!;
  expect(after.approval.state).toBe('executing');
  expect(after.approval.signatures).toEqual([sent[0]!.signature]);
  expect(stored.approval.signatures).toEqual([sent[0]!.signature]);
  return { planId: planId!, signature: sent[0]!.signature };
}

describeShared('Drift live: a crash between sign and confirm (real program, fake RPC and Telegram)', () => {
  it('a crash between sign and confirm reconciles from the stored signature without re-sending', async () => {
    const env = await prepare();
    const { planId, signature } = await crashAfterSend(env);

    // The transaction lands while Vigil is down.
    rpc.confirmSignature(signature);
    const since = tg.mark();
    const v = await launch(env);

    const settled = await until('the plan reconciled as executed', async () => {
      const r = (await approvals())[planId];
      return r?.approval.state === 'executed' ? r : undefined;
    }, 30_000);
    expect(settled.approval.signatures).toEqual([signature]);
    expect(settled.approval.decidedBy).toBe('system');
    expect(settled.approval.error).toBeUndefined();

    // The chat it was confirmed from is told.
    const told = await tg.waitForMessage((m) => m.chatId === TRADER && m.text.includes('after a restart'), 30_000, { since });
    expect(told.text.split('\n')[0]).toMatch(/^✅ Executed · Hedge BTC/);
    expect(told.text).toContain(`${signature.slice(0, 6)}…${signature.slice(-8)}`);
    expect(told.entities.some((e) => e.type === 'text_link' && e.url === `https://solscan.io/tx/${signature}`)).toBe(true);
    expect(told.text).toContain(`Plan ${planId}`);
    expect(told.text).toMatch(/executed by Vigil \(after a restart\)/);

    // /pending or /audit from the trader shows it settled.
    const mark = tg.mark();
    tg.userSends('/audit', { userId: TRADER, firstName: 'Tess' });
    const audit = await tg.waitForMessage((m) => m.chatId === TRADER && m.text.includes(planId), 30_000, { since: mark });
    expect(audit.text).toContain(planId);

    // Nothing was sent again, in either run.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    expect(rpc.transactions('send')).toHaveLength(1);
    expect(v.stderr()).toContain('took over a stale lock');
    expect(v.stderr()).toMatch(new RegExp(`"plans":\\[\\{"id":"${planId}","state":"executed"\\}\\].*reconciled plans left executing`));
    const ended = await stop(v, 10_000);
    children = children.filter((c) => c !== v);
    expect(ended.code, v.stderr()).toBe(0);
  }, 150_000);

  it('never landed, blockhash expired: after a restart it settles as failed from the stored last valid height, nothing re-sent', async () => {
    const env = await prepare();
    const { planId, signature } = await crashAfterSend(env);
    // The last valid block height of its blockhash was stored with the signature, before broadcast.
    const stored = (await approvals())[planId]!;
    const validUntil = (stored.approval as { validUntil?: Record<string, number> }).validUntil?.[signature];
    expect(validUntil).toBeGreaterThan(rpc.blockHeight);

    // The transaction never lands; the chain moves past that height.
    rpc.advanceSlot(validUntil! - rpc.blockHeight + 40);
    expect(rpc.signatureStatus(signature)).toBeNull();
    const since = tg.mark();
    const v = await launch(env);

    const settled = await until('the plan reconciled as failed', async () => {
      const r = (await approvals())[planId];
      return r?.approval.state === 'failed' ? r : undefined;
    }, 30_000);
    expect(settled.approval.error).toBe('sent, but did not land (reconciled at start-up)');
    expect(settled.approval.decidedBy).toBe('system');
    expect(settled.approval.signatures).toEqual([signature]);
    expect(rpc.calls('getBlockHeight').length).toBeGreaterThanOrEqual(1);
    // The chat it was confirmed from is told it did not land.
    const told = await tg.waitForMessage((m) => m.chatId === TRADER && m.text.includes(`Plan ${planId}`), 30_000, { since });
    expect(told.text).toContain('did not land');
    expect(rpc.calls('sendTransaction')).toHaveLength(1);
    expect(rpc.transactions('send')).toHaveLength(1);
    const ended = await stop(v, 10_000);
    children = children.filter((c) => c !== v);
    expect(ended.code, v.stderr()).toBe(0);
  }, 150_000);
});
