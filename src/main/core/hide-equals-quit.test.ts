// Hiding from a contact looks to that contact exactly like quitting (issue 10 item 3,
// src/main/core/visibility.ts): the same bye on the link, and the same results when it dials us
// afterwards. Two real cores (real store, real ContactLinks over TCP) on loopback services; the
// registry side (one 'gone', nothing fresher) is shown on the real registry in
// src/main/registry/slots.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeContactCode, ready, toHex } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore, type CoreServicesFactory, type CoreTimings } from './sotto-core.ts';
import { systemClock } from './clock.ts';
import { LoopbackNetwork } from './loopback-services.ts';
import { EventLog, presenceOf, until } from './test-support.ts';
import type { LinkClosed } from './ports.ts';

const TIMINGS: Partial<CoreTimings> = { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 1_000 };

/** Bob's view: how each of his links ended, and every dial he made to Alice's onions. */
async function bobsView(end: (alice: SottoCore, bobAtAlice: string) => Promise<void>): Promise<{ byes: string[]; dialsAfter: boolean[] }> {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-hide-'));
  const net = new LoopbackNetwork();
  const closes: LinkClosed[] = [];
  const recording = (base: CoreServicesFactory): CoreServicesFactory => async (ctx) => {
    const s = await base(ctx);
    return { ...s, links: { open: async (o) => { const l = await s.links.open(o); l.onClose((info) => closes.push(info)); return l; } } };
  };
  const alice = new SottoCore({ profileDir: join(root, 'alice'), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS });
  const bob = new SottoCore({ profileDir: join(root, 'bob'), services: recording(net.services({ clock: systemClock })), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS });
  try {
    await alice.createProfile({ displayName: 'alice', passphrase: 'pw-alice' });
    await bob.createProfile({ displayName: 'bob', passphrase: 'pw-bob' });
    const [aLog, bLog] = [new EventLog(alice), new EventLog(bob)];
    const inv = await alice.createInvitation({ kind: 'sealed', contactCode: bob.profile().contactCode });
    const aliceAtBob = (await bob.acceptInvitation({ link: inv.link })).contact.id;
    await Promise.all([aLog.wait(presenceOf(inv.contactId!, 'online'), 10_000, 0), bLog.wait(presenceOf(aliceAtBob, 'online'), 10_000, 0)]);
    const bobHex = toHex(decodeContactCode(bob.profile().contactCode));
    const m = bLog.mark;
    const dialMark = net.dials.length;
    await end(alice, inv.contactId!);
    await bLog.wait(presenceOf(aliceAtBob, 'offline'), 10_000, m);
    // Bob's lookups run every 100 ms: give him time to try whatever he would try.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await until(() => closes.length > 0, 5_000, 'bob saw the link close');
    return {
      byes: closes.filter((c) => !c.local).map((c) => `${c.reason}/${c.code}`),
      dialsAfter: net.dials.slice(dialMark).filter((d) => d.from === bobHex).map((d) => d.ok),
    };
  } finally {
    await Promise.allSettled([alice.close(), bob.close()]);
    await rm(root, { recursive: true, force: true });
  }
}

test('hiding from a contact: the same bye as a quit, and its dials get what dials to a quitter get', async () => {
  const quit = await bobsView(async (alice) => { await alice.close(); });
  const hide = await bobsView(async (alice, bob) => { await alice.updateContact({ id: bob, visible: false }); });
  // The link that carried presence ends with the bye (a duplicate link of the first meeting may
  // have ended before, without one); what matters is how the last one ended.
  assert.equal(quit.byes.at(-1), 'shutdown/LINK_REMOTE_BYE');
  assert.equal(hide.byes.at(-1), quit.byes.at(-1), 'the hidden contact hears the bye a quit sends');
  assert.ok(hide.dialsAfter.every((ok) => !ok), 'no dial of the hidden contact reaches us');
  assert.ok(quit.dialsAfter.every((ok) => !ok));
});
