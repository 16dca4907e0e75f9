// CommitBatch (group commit, issue 11 item 2): what one commit gathers, with the default turn and
// with a window (afterMs, the channel's bookkeeping).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterMs, CommitBatch } from './commit-batch.ts';

function recorder(defer?: (fn: () => void) => void): { batch: CommitBatch<number>; commits: number[][] } {
  const commits: number[][] = [];
  const batch = new CommitBatch<number>({
    commit: async (items) => { commits.push(items); },
    onError: (err) => { throw err; },
    ...(defer ? { defer } : {}),
  });
  return { batch, commits };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

test('by default one commit takes what arrived in one turn; the next turn is the next commit, in order', async () => {
  const { batch, commits } = recorder();
  batch.add(1);
  batch.add(2);
  await nextTurn();
  batch.add(3);
  await batch.settled();
  assert.deepEqual(commits, [[1, 2], [3]]);
});

test('afterMs gathers what arrives over several turns within its window into one commit; settled() waits for it', async () => {
  const { batch, commits } = recorder(afterMs(25));
  const started = performance.now();
  batch.add(1);
  await nextTurn();
  batch.add(2);
  await nextTurn();
  batch.add(3);
  assert.deepEqual(commits, [], 'nothing is committed inside the window');
  await batch.settled();
  assert.deepEqual(commits, [[1, 2, 3]]);
  assert.ok(performance.now() - started >= 24, 'the commit came at the end of the window');
  batch.add(4);
  await batch.settled();
  assert.deepEqual(commits, [[1, 2, 3], [4]], 'a later item opens a new window');
});
