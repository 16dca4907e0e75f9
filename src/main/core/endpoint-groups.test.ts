// Endpoint groups (DESIGN D5 "Cost and scale") on real cores (real store, real ContactLinks over
// TCP) over loopback services whose onions honour a list of client-auth keys, with the threshold
// shrunk: past it, contacts share one onion; inbound links are routed by the Noise-authenticated
// key; two members talk over the same onion at once; revoking a member moves the rest to a new
// onion without its key (refused at the descriptor), and the others reconnect and talk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientAuthKeyPair, decodeContactCode, fromHex, otherRole, ready, toHex } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore, type CoreTimings } from './sotto-core.ts';
import { systemClock } from './clock.ts';
import { LoopbackNetwork } from './loopback-services.ts';
import { EventLog, presenceOf, until } from './test-support.ts';
import type { TorPort } from './ports.ts';

const TIMINGS: Partial<CoreTimings> = { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 1_000 };
const GROUPS = { threshold: 2, size: 4, batchMs: 20 };

test('endpoint groups: members share one onion, are routed by their key, and a revoked member is cut off while the rest move', async (t) => {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'sotto-groups-'));
  const net = new LoopbackNetwork();
  const tors = new Map<string, TorPort>();
  const cores: SottoCore[] = [];
  const make = async (name: string, opts: { create: boolean } = { create: true }) => {
    const core = new SottoCore({
      profileDir: join(dir, name), services: net.services({ clock: systemClock, onTor: (tor) => tors.set(name, tor) }),
      kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS, endpointGroups: GROUPS,
    });
    cores.push(core);
    const log = new EventLog(core);
    if (opts.create) await core.createProfile({ displayName: name, passphrase: 'pw' });
    else await core.unlock({ passphrase: 'pw' });
    return { core, log, hex: toHex(decodeContactCode(core.profile().contactCode)) };
  };
  t.after(async () => { await Promise.allSettled(cores.map((c) => c.close())); await rm(dir, { recursive: true, force: true }); });

  let A = await make('alice');
  const peers = { bob: await make('bob'), carol: await make('carol'), dave: await make('dave') };
  const atA = new Map<string, string>();
  const aAt = new Map<string, string>();
  for (const [name, P] of Object.entries(peers)) {
    const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: P.core.profile().contactCode });
    aAt.set(name, (await P.core.acceptInvitation({ link: inv.link })).contact.id);
    atA.set(name, inv.contactId!);
    await A.log.wait(presenceOf(inv.contactId!, 'online'), 10_000, 0);
  }
  // Up to the threshold (2) each contact got its own onion, exactly as without groups.
  assert.equal(net.footprint(A.hex).endpoints.length, 3);

  // A new session with 3 contacts (> 2): one group onion for all of them. A's own dials are
  // refused, so every link must come in over the group endpoint and be routed by its Noise key.
  await A.core.close();
  net.refuseDialsFrom.add(A.hex);
  A = await make('alice', { create: false });
  await Promise.all([...atA.values()].map((id) => A.log.wait(presenceOf(id, 'online'), 10_000, 0)));
  const [groupOnion] = net.footprint(A.hex).endpoints;
  assert.ok(groupOnion);
  assert.equal(net.footprint(A.hex).endpoints.length, 1, 'one onion serves the whole group');
  assert.equal(net.endpoints.get(groupOnion)!.keys.length, 3, 'with one client-auth key per member');
  const published = net.footprint(A.hex).entries.filter((e) => e.kind === 'endpoint');
  assert.equal(published.length, 3);
  assert.ok(published.every((e) => e.kind === 'endpoint' && e.onion === groupOnion), "each member's entry names the group onion");

  // Two (here three) members online at once over the same onion, each handed to its own channel.
  for (const name of ['bob', 'carol', 'dave'] as const) {
    assert.ok(net.dials.some((d) => d.from === peers[name].hex && d.onion === groupOnion && d.ok), `${name} came in over the group onion`);
  }
  for (const name of ['bob', 'carol'] as const) {
    const m = await peers[name].core.sendMessage({ contactId: aAt.get(name)!, body: `hello from ${name}` });
    const got = await A.log.wait((e) => e.type === 'message' && e.message.id === m.id, 5_000, 0);
    assert.equal(got.type === 'message' && got.message.contactId, atA.get(name), 'routed to the sender\'s own channel');
    const back = await A.core.sendMessage({ contactId: atA.get(name)!, body: `hi ${name}` });
    await peers[name].log.wait((e) => e.type === 'message' && e.message.id === back.id, 5_000, 0);
  }

  // Dave's client-auth secret for A's endpoints (from the pairing key both sides share).
  const daveEntry = [...net.board].find(([, e]) => e.owner === peers.dave.hex)!;
  const [kHex, daveRole] = daveEntry[0].split('/');
  const daveAuth = clientAuthKeyPair(fromHex(kHex!, 32), otherRole(Number(daveRole) as 0 | 1)).secretKey;

  // Revoke Dave: the rest move to a new onion without his key, published before the old one goes.
  const mb = peers.bob.log.mark;
  await A.core.revokeContact({ id: atA.get('dave')! });
  const endpoints = net.footprint(A.hex).endpoints;
  assert.equal(endpoints.length, 1, 'the old group onion is removed once the new one is up');
  const moved = endpoints[0]!;
  assert.notEqual(moved, groupOnion);
  assert.equal(net.endpoints.get(moved)!.keys.length, 2);
  const nowPublished = net.footprint(A.hex).entries.filter((e) => e.kind === 'endpoint');
  assert.deepEqual(nowPublished.map((e) => e.kind === 'endpoint' && e.onion), [moved, moved], 'bob and carol publish the new onion; dave nothing');
  assert.equal(peers.bob.log.events.slice(mb).some(presenceOf(aAt.get('bob')!, 'offline')), false, 'the move does not drop the others');

  // Dave, even holding the new address and his old client-auth key, is refused at the descriptor.
  await assert.rejects(
    tors.get('dave')!.connect({ onion: moved, port: 1, clientAuthSecretKey: daveAuth, isolation: 'probe' }),
    (e: Error & { code?: string }) => e.code === 'ONION_BAD_CLIENT_AUTH',
  );
  await assert.rejects(
    tors.get('dave')!.connect({ onion: groupOnion, port: 1, clientAuthSecretKey: daveAuth, isolation: 'probe' }),
    (e: Error & { code?: string }) => e.code === 'ONION_DESC_NOT_FOUND',
  );

  // The old circuits die: Bob and Carol find the new entries and redial the moved onion.
  const dialsBefore = net.dials.length;
  for (const onion of net.onionsWithStreams()) net.dropStreams(onion);
  await until(() => ['bob', 'carol'].every((n) => net.dials.slice(dialsBefore).some((d) => d.from === peers[n as 'bob'].hex && d.ok && d.onion === moved)), 10_000, 'redial');
  for (const name of ['bob', 'carol'] as const) {
    const m = await peers[name].core.sendMessage({ contactId: aAt.get(name)!, body: `again from ${name}` });
    await A.log.wait((e) => e.type === 'message' && e.message.id === m.id, 10_000, 0);
  }
  assert.equal(net.dials.slice(dialsBefore).some((d) => d.from === peers.dave.hex && d.ok), false, 'dave never gets through again');
});

test('endpoint groups past a threshold of 0: hiding from one member leaves only the other\'s key out there; showing again gives a fresh endpoint', async (t) => {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'sotto-groups-'));
  const net = new LoopbackNetwork();
  const cores: SottoCore[] = [];
  t.after(async () => { await Promise.allSettled(cores.map((c) => c.close())); await rm(dir, { recursive: true, force: true }); });
  const make = async (name: string) => {
    const core = new SottoCore({
      profileDir: join(dir, name), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS,
      endpointGroups: { threshold: 0, size: 4, batchMs: 20 },
    });
    cores.push(core);
    const log = new EventLog(core);
    await core.createProfile({ displayName: name, passphrase: 'pw' });
    return { core, log, hex: toHex(decodeContactCode(core.profile().contactCode)) };
  };
  const A = await make('alice');
  const B = await make('bob');
  const C = await make('carol');
  const invB = await A.core.createInvitation({ kind: 'sealed', contactCode: B.core.profile().contactCode });
  const invC = await A.core.createInvitation({ kind: 'sealed', contactCode: C.core.profile().contactCode });
  await B.core.acceptInvitation({ link: invB.link });
  await C.core.acceptInvitation({ link: invC.link });
  await Promise.all([A.log.wait(presenceOf(invB.contactId!, 'online'), 10_000, 0), A.log.wait(presenceOf(invC.contactId!, 'online'), 10_000, 0)]);
  await A.core.updateContact({ id: invC.contactId!, visible: false });
  const after = net.footprint(A.hex).endpoints;
  assert.equal(after.length, 1, 'carol\'s endpoint is gone');
  assert.equal(net.endpoints.get(after[0]!)!.keys.length, 1, 'what is left carries bob\'s key only');
  assert.equal(net.footprint(A.hex).entries.filter((e) => e.kind === 'endpoint').length, 1, 'only bob is published');
  const m = await B.core.sendMessage({ contactId: (await B.core.listContacts())[0]!.id, body: 'still here' });
  await A.log.wait((e) => e.type === 'message' && e.message.id === m.id, 10_000, 0);
  // Marked before the toggle: the link may be up again before updateContact resolves.
  const shown = A.log.mark;
  await A.core.updateContact({ id: invC.contactId!, visible: true });
  await A.log.wait(presenceOf(invC.contactId!, 'online'), 10_000, shown);
  assert.equal(net.footprint(A.hex).entries.filter((e) => e.kind === 'endpoint').length, 2);
});
