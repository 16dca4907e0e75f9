import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelInput, Result, SottoApi } from '../../../../src/renderer/ipc/contract.ts';
import { setApi } from '../../../../src/renderer/ipc/api.ts';
import { createSottoStore } from '../../../../src/renderer/store/index.ts';
import { followGroupInvites } from '../../../../src/renderer/features/groups/invite-queue.ts';

const SID = 'ab'.repeat(16);
const [ANA, BEN, CHEN] = ['a1', 'b2', 'c3'].map((b) => b.repeat(32)) as [string, string, string];

/** Only the channel the queue calls; the core's answer is chosen per invitee. */
function hostAnswering(answer: (invitee: string) => Result<null>): ChannelInput<'groupInvite'>[] {
  const calls: ChannelInput<'groupInvite'>[] = [];
  const groupInvite = (input: ChannelInput<'groupInvite'>) => { calls.push(input); return Promise.resolve(answer(input.invitee)); };
  setApi({ groupInvite } as Partial<SottoApi> as SottoApi);
  return calls;
}

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

test('the queue asks one person at a time; a refused invitation moves on to the next', async () => {
  const calls = hostAnswering((invitee) => invitee === BEN
    ? { ok: false, error: { code: 'NO_SESSION', message: 'gone' } }
    : { ok: true, value: null });
  const store = createSottoStore();
  store.getState().upsertGroup({ sessionId: SID, title: 'T', members: [ANA], coordinator: ANA, state: 'active' });
  const stop = followGroupInvites(store);
  store.getState().queueGroupInvites(SID, [BEN, CHEN]);
  await settled();
  assert.deepEqual(calls.map((c) => c.invitee), [BEN, CHEN], 'Ben refused at once, so Chen is asked');
  assert.deepEqual(store.getState().groupInvites[SID]!.outcomes[BEN], { outcome: 'failed', code: 'NO_SESSION' });
  assert.equal(store.getState().groupInvites[SID]!.current, CHEN);
  store.getState().queueGroupInvites(SID, [ANA]);
  await settled();
  assert.equal(calls.length, 2, 'a member is never invited, and Chen still runs');
  stop();
});
