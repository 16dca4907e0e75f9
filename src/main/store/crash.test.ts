// kill -9 during writes: every append that resolved is on disk after reopen, none twice, and the
// outbox summary agrees with the rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { unlockProfile, PROFILE_DB_FILE } from './profile.ts';
import { PROFILE_LOCK_FILE } from './profile-lock.ts';
import { message, tempDir } from './testing.ts';
import type { StoredMessage } from './records.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

/** Runs the writer until it has reported `killAfter` commits, then SIGKILLs it mid-loop. */
function runAndKill(dir: string, round: number, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const committed: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`writer too slow; stderr: ${stderr}`)); }, 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('committed ')) return;
      committed.push(line.slice('committed '.length));
      if (committed.length === killAfter) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}; stderr: ${stderr}`));
      else resolve(committed);
    });
  });
}

test('kill -9 while appending: committed messages survive, none duplicated, outbox consistent', async (t) => {
  const dir = tempDir(t);
  const reported: string[] = [];
  for (const [round, killAfter] of [[1, 150], [2, 317], [3, 89]] as const) {
    reported.push(...await runAndKill(dir, round, killAfter));
    // The killed writer left its locks behind: reopening must get past them.
    assert.ok(existsSync(join(dir, PROFILE_LOCK_FILE)), 'stale profile lock left by the killed writer');
    assert.ok(existsSync(join(dir, `${PROFILE_DB_FILE}.lock`)), 'stale SQLite lock left by the killed writer');

    const store = await unlockProfile(dir, 'p');
    try {
      const all: StoredMessage[] = [];
      for (let before: number | undefined; ;) {
        const page = await store.messages.history('c1', before === undefined ? { limit: 500 } : { before, limit: 500 });
        if (page.length === 0) break;
        all.push(...page);
        before = Math.min(...page.map((m) => m.seq));
      }
      const ids = all.map((m) => m.id);
      assert.equal(new Set(ids).size, ids.length, 'no message stored twice');
      const stored = new Set(ids);
      const lost = reported.filter((id) => !stored.has(id));
      assert.deepEqual(lost, [], 'every reported commit is on disk');
      // At most one append may have committed without being reported (killed between the two).
      assert.ok(ids.length - reported.length <= round, `unexpected extra messages: ${ids.length} vs ${reported.length}`);
      // The outbox goes oldest first by seq (send order); history pages are in conversation order.
      const expectedOutbox = all.filter((m) => m.status === 'queued' || m.status === 'sent').sort((a, b) => a.seq - b.seq).map((m) => m.id);
      assert.deepEqual((await store.messages.listOutbox('c1')).map((m) => m.id), expectedOutbox);
      // A re-send of a committed message is recognised as a duplicate.
      assert.equal(await store.messages.append(message(reported[0]!, { contactId: 'c1' })), false);
    } finally {
      store.lock();
    }
  }
});
