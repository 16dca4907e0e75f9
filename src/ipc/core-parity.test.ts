// Keeps the contract equal to the core it describes: the output schemas against the core's own
// types (checked by tsc: this file does not compile when they drift), and the repeated invitation
// name limit against src/protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import type * as Core from '../main/core/types.ts';
import type * as Ipc from './index.ts';
import { INVITER_NAME_BYTES } from './index.ts';
import { MAX_INVITER_NAME_BYTES } from '../protocol/invitation.ts';
import { MAX_HISTORY_PAGE } from '../main/store/messages.ts';
import { MAX_HISTORY_PAGE as IPC_MAX_HISTORY_PAGE } from './core-inputs.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(ok: Same<A, B>): Same<A, B> => ok;

test('output schemas describe exactly the core types', () => {
  assert.ok(same<z.output<typeof Ipc.coreStatusSchema>, Core.CoreStatus>(true));
  assert.ok(same<z.output<typeof Ipc.profileInfoSchema>, Core.ProfileInfo>(true));
  assert.ok(same<z.output<typeof Ipc.contactInfoSchema>, Core.ContactInfo>(true));
  assert.ok(same<z.output<typeof Ipc.invitationInfoSchema>, Core.InvitationInfo>(true));
  assert.ok(same<z.output<typeof Ipc.messageInfoSchema>, Core.MessageInfo>(true));
  assert.ok(same<z.output<typeof Ipc.historyPageSchema>, Core.HistoryPage>(true));
  assert.ok(same<z.output<typeof Ipc.acceptResultSchema>, Core.AcceptResult>(true));
  assert.ok(same<z.output<typeof Ipc.coreEventSchema>, Core.CoreEvent>(true));
});

test('limits repeated in the contract equal their source', () => {
  assert.equal(INVITER_NAME_BYTES, MAX_INVITER_NAME_BYTES);
  assert.equal(IPC_MAX_HISTORY_PAGE, MAX_HISTORY_PAGE);
});
