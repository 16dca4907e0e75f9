// Endpoint rotation (DESIGN D5: new endpoints every session and every 24 h, make before break),
// driven with a shrunk rotation period on two real cores (real store and ContactLinks over TCP)
// over loopback services: the link survives the rotation, the entry switches to the new endpoint,
// the old endpoint refuses new streams, and after the old link drops the contact reconnects to the
// new one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeContactCode, ready, toHex } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore, type CoreTimings } from './sotto-core.ts';
import { systemClock } from './clock.ts';
import { LoopbackNetwork } from './loopback-services.ts';
import { EventLog, presenceOf, until } from './test-support.ts';
import type { TorPort } from './ports.ts';

const TIMINGS: Partial<CoreTimings> = { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 1_000 };

test('rotation: make before break, the link stays, the entry moves, the old onion is gone, the contact reconnects to the new one', async (t) => {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'sotto-rotation-'));
  const net = new LoopbackNetwork();
  const tors = new Map<string, TorPort>();
  const make = async (name: string, timings: Partial<CoreTimings>) => {
    const core = new SottoCore({
      profileDir: join(dir, name), services: net.services({ clock: systemClock, onTor: (tor) => tors.set(name, tor) }),
      kdf: KDF_MINIMAL_FOR_TESTS, timings,
    });
    const log = new EventLog(core);
    await core.createProfile({ displayName: name, passphrase: 'pw' });
    return { core, log, hex: toHex(decodeContactCode(core.profile().contactCode)) };
  };
  // A rotates every 1.5 s (its 24 h timer, shrunk); B keeps the default.
  const A = await make('alice', { ...TIMINGS, rotateEveryMs: 1_500 });
  const B = await make('bob', TIMINGS);
  t.after(async () => { await Promise.allSettled([A.core.close(), B.core.close()]); await rm(dir, { recursive: true, force: true }); });

  const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: B.core.profile().contactCode });
  const aAtB = (await B.core.acceptInvitation({ link: inv.link })).contact.id;
  const bAtA = inv.contactId!;
  await Promise.all([A.log.wait(presenceOf(bAtA, 'online'), 10_000, 0), B.log.wait(presenceOf(aAtB, 'online'), 10_000, 0)]);
  const [oldOnion] = net.footprint(A.hex).endpoints;
  assert.ok(oldOnion);

  // One rotation: a new endpoint, published, the old one removed; nobody went offline.
  const mb = B.log.mark;
  await until(() => !net.footprint(A.hex).endpoints.includes(oldOnion), 10_000, 'rotation');
  const [newOnion] = net.footprint(A.hex).endpoints;
  assert.ok(newOnion && newOnion !== oldOnion);
  assert.equal(net.footprint(A.hex).endpoints.length, 1, 'the old endpoint is removed once the new one is up');
  const published = net.footprint(A.hex).entries.filter((e) => e.kind === 'endpoint');
  assert.deepEqual(published.map((e) => e.kind === 'endpoint' && e.onion), [newOnion], 'the registry entry switched to the new endpoint');
  assert.equal(B.log.events.slice(mb).some(presenceOf(aAtB, 'offline')), false, 'rotation does not drop the link');
  const m1 = await B.core.sendMessage({ contactId: aAtB, body: 'over the old link' });
  await A.log.wait((e) => e.type === 'message' && e.message.id === m1.id, 5_000, 0);

  // The old onion refuses new streams, even with the right client auth.
  await assert.rejects(
    tors.get('bob')!.connect({ onion: oldOnion, port: 1, clientAuthSecretKey: new Uint8Array(32), isolation: 'probe' }),
    (e: Error & { code?: string }) => e.code === 'ONION_DESC_NOT_FOUND',
  );

  // The old link's circuit dies: B finds A's new entry and dials the current endpoint (A's own
  // dials are refused here, so the new link can only be B's).
  net.refuseDialsFrom.add(A.hex);
  const dialsBefore = net.dials.length;
  const current = (): string => net.footprint(A.hex).endpoints[0]!;
  for (const onion of net.onionsWithStreams()) net.dropStreams(onion);
  const [atDrop] = [current()];
  // (Presence does not flicker: a fresh entry keeps A "online" at B while B redials.)
  await until(() => net.dials.slice(dialsBefore).some((d) => d.from === B.hex && d.ok), 10_000, 'B redial');
  const bDials = net.dials.slice(dialsBefore).filter((d) => d.from === B.hex);
  assert.ok(bDials.some((d) => d.ok && (d.onion === atDrop || net.footprint(A.hex).endpoints.includes(d.onion))), 'B reached the current endpoint');
  assert.equal(bDials.some((d) => d.ok && d.onion === oldOnion), false, 'never the rotated-away one');
  const m2 = await B.core.sendMessage({ contactId: aAtB, body: 'over the new endpoint' });
  await A.log.wait((e) => e.type === 'message' && e.message.id === m2.id, 5_000, 0);
});

test('every session gets new endpoints: a restart does not reuse the previous onion', async (t) => {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'sotto-rotation-'));
  const net = new LoopbackNetwork();
  const mk = () => new SottoCore({ profileDir: join(dir, 'a'), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS });
  const B = new SottoCore({ profileDir: join(dir, 'b'), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS });
  let A = mk();
  t.after(async () => { await Promise.allSettled([A.close(), B.close()]); await rm(dir, { recursive: true, force: true }); });
  await A.createProfile({ displayName: 'a', passphrase: 'pw' });
  await B.createProfile({ displayName: 'b', passphrase: 'pw' });
  await A.createInvitation({ kind: 'sealed', contactCode: B.profile().contactCode });
  const hex = toHex(decodeContactCode(A.profile().contactCode));
  const first = net.footprint(hex).endpoints;
  assert.equal(first.length, 1);
  await A.close();
  assert.deepEqual(net.footprint(hex).endpoints, [], 'endpoints die with the session');
  A = mk();
  await A.unlock({ passphrase: 'pw' });
  await until(() => net.footprint(hex).endpoints.length === 1, 5_000, 'new session endpoint');
  assert.notEqual(net.footprint(hex).endpoints[0], first[0]);
});
