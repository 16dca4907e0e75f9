// Invitation expiry on both sides of an open invitation (DESIGN D3), with an injected clock: two
// real cores (real store, real ContactLinks over TCP) on loopback services (loopback-services.ts).
// The redeemer's pending contact must go at the invitation's expiry with everything it published
// under s and K_AB, and the inviter can no longer confirm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeContactCode, decodeInvitation, ready, toHex } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore, type CoreTimings } from './sotto-core.ts';
import { systemClock, type Clock } from './clock.ts';
import { LoopbackNetwork } from './loopback-services.ts';
import { EventLog } from './test-support.ts';
import type { CoreEvent } from './types.ts';

export const LOOPBACK_TIMINGS: Partial<CoreTimings> = { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 50 };

/** The wall clock plus an offset the test moves forward (timers stay real and short). */
export function skewableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { ...systemClock, now: () => Date.now() + offset, advance: (ms) => { offset += ms; } };
}

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

test('open invitation not confirmed by its expiry: the redeemer drops the pending contact, its endpoints and every entry; the inviter cannot confirm', async (t) => {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'sotto-expiry-'));
  const net = new LoopbackNetwork();
  const clock = skewableClock();
  const make = async (name: string) => {
    const core = new SottoCore({ profileDir: join(dir, name), services: net.services({ clock }), clock, kdf: KDF_MINIMAL_FOR_TESTS, timings: LOOPBACK_TIMINGS });
    const log = new EventLog(core);
    await core.createProfile({ displayName: name, passphrase: 'pw' });
    return { core, log };
  };
  const I = await make('inviter');
  const R = await make('redeemer');
  t.after(async () => { await Promise.allSettled([I.core.close(), R.core.close()]); await rm(dir, { recursive: true, force: true }); });

  const inv = await I.core.createInvitation({ kind: 'open' }, { ttlMs: 60_000 });
  const secret = (decodeInvitation(inv.link) as { secret: Uint8Array }).secret;
  const accepted = await R.core.acceptInvitation({ link: inv.link });
  assert.equal(accepted.contact.phase, 'pending');
  await I.log.wait((e) => e.type === 'invitation-redeemed' && e.invitation.id === inv.id, 10_000, 0);
  const rHex = toHex(decodeContactCode(R.core.profile().contactCode));
  const before = net.footprint(rHex);
  assert.equal(before.endpoints.length, 2, 'redeemer serves under s and under K_AB while waiting');
  assert.ok(net.entriesUnder(secret).length === 2, 'both sides publish under s');

  // 59 s later nothing has expired yet.
  clock.advance(59_000);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await R.core.listContacts()).length, 1);
  assert.equal((await I.core.listInvitations())[0]!.state, 'awaiting-confirmation');

  // The inviter goes away without confirming (nobody can tell the redeemer "declined").
  await I.core.lock();
  const mr = R.log.mark;
  clock.advance(1_000);
  await R.log.wait((e) => e.type === 'contact-removed' && e.contactId === accepted.contact.id, 5_000, mr);
  const warning = await R.log.wait((e) => e.type === 'warning' && e.code === 'INVITATION_EXPIRED', 5_000, mr) as Extract<CoreEvent, { type: 'warning' }>;
  assert.equal(warning.contactId, accepted.contact.id);
  // The inviter comes back after the expiry: the invitation is expired before anything starts.
  const mi = I.log.mark;
  await I.core.unlock({ passphrase: 'pw' });
  await I.log.wait((e) => e.type === 'invitation' && e.invitation.id === inv.id && e.invitation.state === 'expired', 5_000, mi);

  assert.deepEqual(await R.core.listContacts(), [], 'the pending contact (and s with it) is gone from the store');
  assert.deepEqual(net.footprint(rHex), { endpoints: [], entries: [] }, 'no endpoint, no entry under s or K_AB');
  assert.deepEqual(net.entriesUnder(secret), [], 'nothing left under s from either side');
  await assert.rejects(I.core.confirmInvitation({ id: inv.id }), code('INVITATION_STATE'));
  await assert.rejects(R.core.acceptInvitation({ link: inv.link }), code('INVITATION_EXPIRED'));
});
