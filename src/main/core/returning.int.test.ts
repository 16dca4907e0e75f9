// Returning to a contact (issue 11 item 1; docs/ARCHITECTURE.md "Returning to a contact"): a
// contact that stayed online while we were away is reached at our next start by dialing the
// endpoint our last run was linked to, beside the first lookup sweep. Shown here with every
// gateway unreachable at the restart, so no lookup can be what found the contact. And a contact
// that restarted meanwhile (its endpoint is new) is not shown online from the old address: the
// dial fails, the address is forgotten, and the lookup finds the contact as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { onionAddressFromPublicKey } from '../../protocol/index.ts';
import { FAST_PUBLISHER_TIMINGS } from '../registry/index.ts';
import { KDF_MINIMAL_FOR_TESTS, type ProfileStore } from '../store/index.ts';
import { SottoCore } from './sotto-core.ts';
import { realServices } from './wiring.ts';
import { EventLog, makeCore, presenceOf, removeDir, servicesFor, testbed, TEST_TIMINGS, type TestCore } from './test-support.ts';

/** The endpoint a core's profile holds for a contact (what the next start dials first). */
async function rememberedBy(c: TestCore, contactId: string): Promise<string | null> {
  // The core's store is private; a test reads the one field this feature keeps there.
  const store = (c.core as unknown as { store: ProfileStore | null }).store;
  const record = (await store?.contacts.get(contactId)) as { peerEndpoint?: { onion: string } | null } | undefined;
  return record?.peerEndpoint?.onion ?? null;
}

async function poll(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a contact online while we were away is back in one connect, with every gateway down; a moved one is not', async (t) => {
  const tb = await testbed();
  const A = await makeCore(tb, 'alice-returning');
  let B = await makeCore(tb, 'bob-returning');
  const cores = new Set<SottoCore>([A.core, B.core]);
  t.after(async () => {
    await Promise.allSettled([...cores].map((c) => c.close()));
    await removeDir(A.dir);
    await removeDir(B.dir);
  });
  const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: B.core.profile().contactCode });
  const aAtB = (await B.core.acceptInvitation({ link: inv.link })).contact.id;
  const bAtA = inv.contactId!;
  await B.log.wait(presenceOf(aAtB, 'online'), 120_000, 0);
  // B's sweeps (every 8-12 s here) read A's entry while the link is up: that endpoint is kept.
  await poll('B to keep A\'s endpoint', async () => (await rememberedBy(B, aAtB)) !== null, 60_000);
  await B.core.close();
  cores.delete(B.core);
  await A.log.wait(presenceOf(bAtA, 'offline'), 60_000, 0);

  // B comes back with no registry at all: gateways that do not exist (tor finds no descriptor).
  const nowhere = [`http://${onionAddressFromPublicKey(new Uint8Array(randomBytes(32)))}`];
  const offline = (): SottoCore => new SottoCore({
    profileDir: B.dir, kdf: KDF_MINIMAL_FOR_TESTS, timings: TEST_TIMINGS,
    services: realServices({ gateways: nowhere, torrc: tb.tor.clientTorrc, registryTimings: { ...FAST_PUBLISHER_TIMINGS, sweepMinMs: 8_000, sweepMaxMs: 12_000 } }),
  });
  let core = offline();
  cores.add(core);
  let log = new EventLog(core);
  const markA = A.log.mark;
  await core.unlock({ passphrase: 'pass-bob-returning' });
  await log.wait(presenceOf(aAtB, 'online'), 90_000, 0).catch(() => assert.fail('B did not reach A at its remembered endpoint'));
  await A.log.wait(presenceOf(bAtA, 'online'), 60_000, markA);
  await core.close();
  cores.delete(core);
  await A.log.wait(presenceOf(bAtA, 'offline'), 60_000, markA);

  // A restarts while B is away: its endpoint for B is new, the remembered one leads nowhere.
  const A2 = await A.restart();
  cores.delete(A.core);
  cores.add(A2.core);
  core = offline();
  cores.add(core);
  log = new EventLog(core);
  await core.unlock({ passphrase: 'pass-bob-returning' });
  B = { core, log, dir: B.dir, restart: B.restart };
  await poll('B to forget the endpoint that failed', async () => (await rememberedBy(B, aAtB)) === null, 120_000);
  assert.ok(!log.events.some(presenceOf(aAtB, 'online')), 'never online from an endpoint that no longer answers');
  await core.close();
  cores.delete(core);

  // With the registry back, the lookup finds A where it is now (the path every first start takes).
  const back = new SottoCore({ profileDir: B.dir, kdf: KDF_MINIMAL_FOR_TESTS, timings: TEST_TIMINGS, services: servicesFor(tb) });
  cores.add(back);
  const backLog = new EventLog(back);
  await back.unlock({ passphrase: 'pass-bob-returning' });
  await backLog.wait(presenceOf(aAtB, 'online'), 120_000, 0);
});
