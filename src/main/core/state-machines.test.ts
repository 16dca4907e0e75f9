import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setPresenceInput } from '../../ipc/index.ts';
import { CoreError } from './errors.ts';
import { deriveContactPresence, effectiveState, type OwnPresence } from './presence.ts';
import { announcedTo } from './visibility.ts';
import { isDue, isLive, MAX_INVITATION_TTL_MS, nextInvitationState, redeemerWaitIsDue, redemptionRefusal } from './invitation-lifecycle.ts';

const own = (p: Partial<OwnPresence> = {}): OwnPresence => ({ state: 'online', text: '', idleMinutes: 0, awayAfterMinutes: 10, ...p });
const visible = { visible: true, blocked: false, revoked: false };

test('idle moves online to away and back; chosen states are never overridden', () => {
  assert.equal(effectiveState(own({ idleMinutes: 9 })), 'online');
  assert.equal(effectiveState(own({ idleMinutes: 10 })), 'away');
  assert.equal(effectiveState(own({ idleMinutes: 0 })), 'online');
  for (const state of ['busy', 'dnd', 'away', 'invisible'] as const) {
    assert.equal(effectiveState(own({ state, idleMinutes: 500 })), state);
  }
});

test('announced presence: hidden (null) when invisible globally, to this contact, blocked or revoked', () => {
  assert.deepEqual(announcedTo(own({ text: 'lunch' }), visible), { state: 'online', text: 'lunch' });
  assert.deepEqual(announcedTo(own({ idleMinutes: 30 }), visible), { state: 'away', text: '' });
  assert.equal(announcedTo(own({ state: 'invisible' }), visible), null);
  assert.equal(announcedTo(own(), { ...visible, visible: false }), null);
  assert.equal(announcedTo(own(), { ...visible, blocked: true }), null);
  assert.equal(announcedTo(own(), { ...visible, revoked: true }), null);
});

test('contact presence: link up + announced; offline whenever the link is down, whatever the registry says', () => {
  const base = { linkUp: false, announced: { state: 'busy' as const, text: 'x' } };
  assert.deepEqual(deriveContactPresence({ ...base, linkUp: true }), { state: 'busy', text: 'x' });
  assert.deepEqual(deriveContactPresence({ ...base, linkUp: true, announced: null }), { state: 'online', text: '' });
  // Link dropped (a kill -9, a broken link): offline at once, a fresh entry does not bring them back.
  assert.deepEqual(deriveContactPresence(base), { state: 'offline', text: '' });
});

test('presence input is validated (setPresenceInput: setPresence and the status saved for the next unlock)', () => {
  assert.deepEqual(setPresenceInput.parse({ state: 'dnd', text: 'meeting' }), { state: 'dnd', text: 'meeting' });
  for (const bad of [{ state: 'sleeping', text: '' }, { state: 'online', text: 'a\nb' }, { state: 'online', text: 'x'.repeat(141) }, { state: 'online', text: 5 }, null, 'online']) {
    assert.equal(setPresenceInput.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('open invitation: redeem once, confirm or decline, then finished', () => {
  let s = nextInvitationState('open', 'pending', 'redeem');
  assert.equal(s, 'awaiting-confirmation');
  assert.throws(() => nextInvitationState('open', s, 'redeem'), (e: unknown) => e instanceof CoreError && e.code === 'INVITATION_STATE');
  assert.equal(isLive('open', s), true);
  s = nextInvitationState('open', s, 'confirm');
  assert.equal(s, 'redeemed');
  assert.equal(isLive('open', s), false);
  for (const ev of ['redeem', 'confirm', 'decline', 'cancel', 'expire'] as const) {
    assert.throws(() => nextInvitationState('open', 'redeemed', ev));
  }
  assert.equal(nextInvitationState('open', 'awaiting-confirmation', 'decline'), 'cancelled');
  assert.equal(nextInvitationState('open', 'awaiting-confirmation', 'cancel'), 'cancelled');
  assert.equal(nextInvitationState('open', 'awaiting-confirmation', 'expire'), 'expired', 'the expiry bounds the confirmation too');
  assert.throws(() => nextInvitationState('open', 'pending', 'use'));
});

test('sealed invitation: used by the first link, cancellable and expiring while pending', () => {
  assert.equal(nextInvitationState('sealed', 'pending', 'use'), 'redeemed');
  assert.equal(nextInvitationState('sealed', 'pending', 'cancel'), 'cancelled');
  assert.equal(nextInvitationState('sealed', 'pending', 'expire'), 'expired');
  assert.throws(() => nextInvitationState('sealed', 'pending', 'redeem'));
});

test('expiry and refusals', () => {
  assert.equal(isDue('pending', 100, 99), false);
  assert.equal(isDue('pending', 100, 100), true);
  assert.equal(isDue('awaiting-confirmation', 100, 99), false);
  assert.equal(isDue('awaiting-confirmation', 100, 100), true);
  assert.equal(isDue('redeemed', 100, 1000), false);
  // Redeemer side: waiting for the inviter ends at the invitation's expiry.
  assert.equal(redeemerWaitIsDue({ bootstrapSecret: 'ab', bootstrapExpiresAt: 100, createdAt: 0 }, 99), false);
  assert.equal(redeemerWaitIsDue({ bootstrapSecret: 'ab', bootstrapExpiresAt: 100, createdAt: 0 }, 100), true);
  assert.equal(redeemerWaitIsDue({ bootstrapExpiresAt: 100, createdAt: 0 }, 1000), false, 'confirmed: s already erased');
  assert.equal(redeemerWaitIsDue({ bootstrapSecret: 'ab', createdAt: 0 }, MAX_INVITATION_TTL_MS - 1), false, 'old record: longest lifetime');
  assert.equal(redeemerWaitIsDue({ bootstrapSecret: 'ab', createdAt: 0 }, MAX_INVITATION_TTL_MS), true);
  assert.equal(redemptionRefusal('pending', 100, 50), null);
  assert.equal(redemptionRefusal('pending', 100, 100)?.code, 'INVITATION_EXPIRED');
  assert.equal(redemptionRefusal('awaiting-confirmation', 100, 50)?.code, 'INVITATION_USED');
  assert.equal(redemptionRefusal('redeemed', 100, 50)?.code, 'INVITATION_USED');
  assert.equal(redemptionRefusal('cancelled', 100, 50)?.code, 'INVITATION_CANCELLED');
  assert.equal(redemptionRefusal('expired', 100, 50)?.code, 'INVITATION_EXPIRED');
});

