// Measures the store against floors taken in the same run:
//   npx tsx src/main/store/store.bench.ts
// - unlock (Argon2id INTERACTIVE) vs one bare crypto_pwhash with the same cost
// - 2000 message appends (each its own fsynced transaction) vs 2000 bare single-row commits
// - a history page of 50 vs a bare SELECT of 50 rows
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers-sumo';
import { createProfile, unlockProfile } from './profile.ts';
import { KDF_INTERACTIVE } from './crypto.ts';
import { openDatabase, transaction } from './database.ts';
import { message } from './testing.ts';

const APPENDS = 2000;
const PAGE = 50;
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

const root = mkdtempSync(join(tmpdir(), 'sotto-store-bench-'));
try {
  await sodium.ready;
  const dir = join(root, 'profile');
  (await createProfile(dir, { name: 'Bench', passphrase: 'bench passphrase', kdf: KDF_INTERACTIVE })).lock();

  const pwhash: number[] = [];
  const unlock: number[] = [];
  const salt = sodium.randombytes_buf(16);
  for (let i = 0; i < RUNS; i++) {
    pwhash.push(await time(() => sodium.crypto_pwhash(32, 'bench passphrase', salt, KDF_INTERACTIVE.opslimit,
      KDF_INTERACTIVE.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13)));
    unlock.push(await time(async () => (await unlockProfile(dir, 'bench passphrase')).lock()));
  }
  console.log(`unlock (Argon2id interactive): median ${fmt(median(unlock))}, floor crypto_pwhash ${fmt(median(pwhash))}, ratio ${(median(unlock) / median(pwhash)).toFixed(2)}`);

  const store = await unlockProfile(dir, 'bench passphrase');
  const body = 'x'.repeat(120);
  const appendMs = await time(async () => {
    for (let i = 0; i < APPENDS; i++) {
      await store.messages.append(message(`m${i}`, { contactId: `c${i % 10}`, body }));
    }
  });

  const rawPath = join(root, 'raw.db');
  const raw = openDatabase(rawPath, { create: true });
  raw.exec('CREATE TABLE messages (seq INTEGER PRIMARY KEY, ref BLOB UNIQUE, conversation BLOB, box BLOB)');
  raw.exec('CREATE INDEX by_conv ON messages (conversation, seq)');
  const blob = new Uint8Array(233);
  const rawMs = await time(() => {
    for (let i = 0; i < APPENDS; i++) {
      transaction(raw, () => raw.run('INSERT INTO messages (ref, conversation, box) VALUES (?, ?, ?)',
        [sodium.randombytes_buf(16), new Uint8Array([i % 10]), blob]));
    }
  });
  console.log(`${APPENDS} appends: ${fmt(appendMs)} (${(appendMs / APPENDS).toFixed(3)} ms each), floor bare commits ${fmt(rawMs)}, ratio ${(appendMs / rawMs).toFixed(2)}`);

  const pages: number[] = [];
  const rawPages: number[] = [];
  for (let i = 0; i < 50; i++) {
    pages.push(await time(() => store.messages.history('c3', { limit: PAGE })));
    rawPages.push(await time(() => raw.all('SELECT seq, ref, box FROM messages WHERE conversation = ? ORDER BY seq DESC LIMIT ?', [new Uint8Array([3]), PAGE])));
  }
  console.log(`history page of ${PAGE}: median ${fmt(median(pages))}, floor bare SELECT ${fmt(median(rawPages))}, ratio ${(median(pages) / median(rawPages)).toFixed(1)}`);
  const counts = await time(() => store.messages.unreadCounts());
  const outbox = await time(() => store.messages.listOutbox('c3'));
  console.log(`unreadCounts ${fmt(counts)}; listOutbox of ${APPENDS / 10} queued ${fmt(outbox)}`);
  raw.close();
  store.lock();
} finally {
  rmSync(root, { recursive: true, force: true });
}
