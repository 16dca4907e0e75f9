// Helpers for group chat tests on real cores (loopback services or the testbed): members that
// record their group events, a pairing whose link has settled, and the invite-and-join a user does.
import assert from 'node:assert/strict';
import {
  decodeContactCode, decodeGroupFrame, fromHex, isProtocolError, toHex,
  type GroupFrame, type GroupSession, type SessionEndpoint, type SessionFrame, type X25519KeyPair,
} from '../../protocol/index.ts';
import type { SottoCore } from '../core/sotto-core.ts';
import { presenceOf, until, type EventLog } from '../core/test-support.ts';
import type { GroupEvent, SessionMessageInfo } from './group-sessions.ts';

/** `at[i]`: performance.now() when `group[i]` arrived (members in one process share the clock). */
export interface GroupMember { name: string; core: SottoCore; log: EventLog; hex: string; group: GroupEvent[]; at: number[] }

export function groupMember(name: string, core: SottoCore, log: EventLog): GroupMember {
  const group: GroupEvent[] = [];
  const at: number[] = [];
  core.onGroupEvent((e) => { group.push(e); at.push(performance.now()); });
  return { name, core, log, hex: toHex(decodeContactCode(core.profile().contactCode)), group, at };
}

/** When `m` first saw an event matching `match` (performance.now()), or null. */
export function seenAt(m: GroupMember, match: (e: GroupEvent) => boolean): number | null {
  const i = m.group.findIndex(match);
  return i < 0 ? null : m.at[i]!;
}

/**
 * X invites Y (sealed) and both see each other online, then one message is acked each way: both
 * may have dialed, and the test starts once the link that stays has carried traffic both ways
 * (group frames written on a replaced link are written again, docs/THREAT-MODEL.md, but a test
 * that starts on a settled link does not depend on that).
 */
export async function pairSettled(X: GroupMember, Y: GroupMember, timeoutMs: number): Promise<void> {
  const inv = await X.core.createInvitation({ kind: 'sealed', contactCode: Y.core.profile().contactCode });
  const accepted = await Y.core.acceptInvitation({ link: inv.link });
  await Promise.all([X.log.wait(presenceOf(inv.contactId!, 'online'), timeoutMs, 0), Y.log.wait(presenceOf(accepted.contact.id, 'online'), timeoutMs, 0)]);
  for (const [from, contactId] of [[X, inv.contactId!], [Y, accepted.contact.id]] as const) {
    const sent = await from.core.sendMessage({ contactId, body: 'hi' });
    await from.log.wait((e) => e.type === 'message-status' && e.messageId === sent.id && e.status === 'acked', timeoutMs, 0);
  }
}

type Of<T extends GroupEvent['type']> = Extract<GroupEvent, { type: T }>;

export function waitGroup<T extends GroupEvent['type']>(m: GroupMember, type: T, match: (e: Of<T>) => boolean, timeoutMs: number): Promise<Of<T>> {
  const find = (): Of<T> | undefined => m.group.find((e): e is Of<T> => e.type === type && match(e as Of<T>));
  return until(() => find() !== undefined, timeoutMs, `${m.name}: ${type}`).then(() => find()!);
}

/** `inviter` invites `invitee` into `sessionId`; the invitee's user clicks join. */
export async function inviteAndJoin(inviter: GroupMember, invitee: GroupMember, sessionId: string, timeoutMs: number): Promise<void> {
  inviter.core.groupSessions().invite(sessionId, invitee.hex);
  await joinWhenInvited(inviter, invitee, sessionId, timeoutMs);
}

/** The invitee's user clicks join once `inviter`'s invitation shows; resolves when it is a member. */
export async function joinWhenInvited(inviter: GroupMember, invitee: GroupMember, sessionId: string, timeoutMs: number): Promise<void> {
  const inv = await waitGroup(invitee, 'session-invitation', (e) => e.invitation.sessionId === sessionId, timeoutMs);
  assert.equal(inv.invitation.inviter, inviter.hex);
  await invitee.core.groupSessions().answer(sessionId, true);
  await waitGroup(invitee, 'session-joined', (e) => e.session.sessionId === sessionId, timeoutMs);
}

/** Until every one of `members` sees the session with `view.members` members and `view.coordinator` coordinating. */
export async function untilView(members: GroupMember[], sessionId: string, view: { members: number; coordinator: GroupMember }, timeoutMs: number): Promise<void> {
  for (const m of members) {
    await until(() => {
      const s = m.core.groupSessions().list().find((x) => x.sessionId === sessionId);
      return s !== undefined && s.members.length === view.members && s.coordinator === view.coordinator.hex;
    }, timeoutMs, `${m.name} sees ${view.members} members and ${view.coordinator.name} coordinating`);
  }
}

/** What a member's session window shows, in order: "name: body". */
export function screen(m: GroupMember, sessionId: string, names: ReadonlyMap<string, string>): string[] {
  return m.core.groupSessions().messages(sessionId).map((x: SessionMessageInfo) => `${names.get(x.sender)}: ${x.body}`);
}

/**
 * Every member writes `rounds` times at once, then each has all of them; returns the new messages
 * as A shows them after checking every member shows them in that order, each once. Members that
 * joined later hold less history: only what was said in this round is compared.
 */
export async function chatRound(members: GroupMember[], sessionId: string, rounds: number, timeoutMs: number): Promise<string[]> {
  const names = new Map(members.map((m) => [m.hex, m.name]));
  const before = members.map((m) => m.core.groupSessions().messages(sessionId).length);
  const announcedBefore = members.map((m) => m.group.filter((e) => e.type === 'session-message').length);
  for (let round = 0; round < rounds; round++) for (const m of members) m.core.groupSessions().send(sessionId, `${m.name}${round}`);
  const added = rounds * members.length;
  for (const [i, m] of members.entries()) {
    await until(() => m.core.groupSessions().messages(sessionId).length === before[i]! + added, timeoutMs, `${m.name} has ${before[i]! + added} messages`);
  }
  const order = screen(members[0]!, sessionId, names).slice(before[0]);
  members.forEach((m, i) => {
    assert.deepEqual(screen(m, sessionId, names).slice(before[i]), order, `${m.name} shows the same order`);
    const shown = m.group.filter((e) => e.type === 'session-message').slice(announcedBefore[i]).map((e) => (e.type === 'session-message' ? e.message.id : ''));
    assert.equal(shown.length, added, `${m.name}: each new message announced once`);
    assert.equal(new Set(shown).size, shown.length, `${m.name}: no message announced twice`);
  });
  return order;
}

// --- an intruder's reach (group-chat.int.test.ts): what a leak gives, and a client that writes by hand

/**
 * A wire tap on `m`: every group frame its links hand it, decoded, from then on (a frame that does
 * not decode is left to the member's own decoder, which reports it). The member still gets each one.
 */
export function tapGroupFrames(m: GroupMember): { from: string; frame: GroupFrame }[] {
  const seen: { from: string; frame: GroupFrame }[] = [];
  const sessions = m.core.groupSessions();
  const receive = sessions.receive.bind(sessions);
  sessions.receive = (from: Uint8Array, frame: SessionFrame): void => {
    try {
      seen.push({ from: toHex(from), frame: decodeGroupFrame(frame) });
    } catch (err) {
      if (!isProtocolError(err)) throw err;
    }
    receive(from, frame);
  };
  return seen;
}

/** What `m` holds in memory for a session: its state machine (member list with endpoints) and its session client-auth key pair. */
export function sessionMemory(m: GroupMember, sessionId: string): { session: GroupSession; clientAuth: X25519KeyPair } {
  const sessions = m.core.groupSessions();
  const session = sessions['sessions'].get(sessionId);
  const clientAuth = sessions['clientAuth'].get(sessionId);
  assert.ok(session !== undefined && clientAuth !== undefined, `${m.name} is in the session`);
  return { session, clientAuth };
}

/**
 * A modified client: `intruder` writes a group frame of its own making on its contact link to
 * `to` (the core has no verb for "present this ticket"). False when no contact link is up.
 */
export function writeOnContactLink(intruder: GroupMember, to: GroupMember, frame: SessionFrame): boolean {
  return intruder.core.groupSessions()['o'].carrier.send(fromHex(to.hex, 32), frame);
}

/**
 * A modified client: `intruder` dials `member`'s session endpoint with a session client-auth secret
 * copied from a member that endpoint authorizes, and writes `frames` on the link if one comes up.
 */
export function dialSessionEndpoint(
  intruder: GroupMember, sessionId: string, member: GroupMember, endpoint: SessionEndpoint, clientAuthSecret: Uint8Array, frames: SessionFrame[],
): void {
  const links = intruder.core['sessionLinks'];
  assert.ok(links !== null, `${intruder.name} is running`);
  const key = fromHex(member.hex, 32);
  links.dial(sessionId, key, endpoint, clientAuthSecret);
  for (const frame of frames) links.send(sessionId, key, frame);
}

/** The intruder stops dialing (its session links and their redials end). */
export async function hangUp(intruder: GroupMember, sessionId: string): Promise<void> {
  await intruder.core['sessionLinks']?.close(sessionId);
}
