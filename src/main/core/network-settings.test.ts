// Network settings without tor (the testbed run is src/main/host/network-settings.int.test.ts):
// validation that loses nothing, stand-ins that never leak into invitations, adoption only into an
// empty list, health from the transport's outcomes, the live gateway list, where tor is looked for.
// Cores here are real (real store, real invitations) over loopback services.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeInvitation, onionAddressFromPublicKey, ready } from '../../protocol/index.ts';
import { findTorBinary } from '../tor/index.ts';
import type { RegistryTransport } from '../registry/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { LoopbackNetwork } from './loopback-services.ts';
import { SottoCore } from './sotto-core.ts';
import { systemClock } from './clock.ts';
import { NetworkSettings, type NetworkSettingsPort } from './network-settings.ts';
import { LiveGatewayTransport } from './live-gateways.ts';
import { torBinaryOf } from './network-services.ts';

const gw = (port = 80): string => `http://${onionAddressFromPublicKey(new Uint8Array(32).map((_, i) => (i * 7 + port) & 255))}:${port}`;

/** A store's settings in memory: the same port on every call, as the profile's store is. */
function memoryPort(): () => NetworkSettingsPort {
  const data = new Map<string, unknown>();
  const port: NetworkSettingsPort = { get: async (k) => structuredClone(data.get(k)), set: async (k, v) => { data.set(k, structuredClone(v)); } };
  return () => port;
}

test('update: typed URLs are normalised; one bad URL refuses the whole change with a code and the stored list stays', async () => {
  await ready();
  const network = new NetworkSettings({ port: memoryPort() });
  const [a, b] = [gw(80), gw(9001)];
  const view = await network.update({ gateways: [` ${a.replace(':80', '').toUpperCase().replace('HTTP://', '')} `, '', b] });
  assert.deepEqual(view.gateways.map((g) => g.url), [a, b]);
  assert.equal(view.gatewaysFrom, null);
  for (const bad of ['http://example.org', `${a}/path`, a.replace(/.onion/, 'x.onion'), `${a.slice(0, -3)}:0`]) {
    await assert.rejects(network.update({ gateways: [gw(81), bad] }), { code: 'BAD_GATEWAY_URL' });
  }
  await assert.rejects(network.update({ gateways: [a, a] }), (e: Error & { code?: string }) => e.code === 'BAD_GATEWAY_URL' && /already/.test(e.message));
  assert.deepEqual((await network.load()).gateways, [a, b], 'nothing lost');
  await network.update({ tor: { kind: 'path', path: '/opt/tor/tor' } });
  assert.deepEqual((await network.load()).gateways, [a, b], 'a tor change keeps the gateways');
  assert.deepEqual(network.stored.tor, { kind: 'path', path: '/opt/tor/tor' });
});

test('a damaged record falls back to defaults (missing fields alone, a bad list alone), never to a URL the transport would choke on', async () => {
  const port = memoryPort();
  await port().set('network.settings', { tor: { kind: 'system' }, gateways: ['http://not-an-onion'], gatewaysFrom: 'X' });
  const network = new NetworkSettings({ port });
  assert.deepEqual(await network.load(), { kind: 'sandbox', tor: { kind: 'system' }, gateways: [], gatewaysFrom: null });
  await port().set('network.settings', { tor: { kind: 'rocket' }, gateways: [gw(5).replace(':5', '')] });
  assert.deepEqual(await network.load(), { kind: 'sandbox', tor: { kind: 'bundled' }, gateways: [], gatewaysFrom: null });
  await port().set('network.settings', { gateways: [gw(5)] });
  assert.deepEqual((await network.load()).gateways, [gw(5)]);
});

test('stand-ins (a testbed\'s gateways) serve while the list is empty, but are never stored or handed out', async () => {
  const network = new NetworkSettings({ port: memoryPort(), standInGateways: [gw(1)] });
  await network.load();
  assert.deepEqual(network.gateways(), [gw(1)]);
  assert.deepEqual(network.forInvitation(), []);
  assert.equal(network.view().standIn, true);
  assert.equal(network.view().network, 'testbed');
  assert.equal(new NetworkSettings({ port: memoryPort() }).view().network, 'public');
  await network.update({ gateways: [gw(2)] });
  assert.deepEqual(network.gateways(), [gw(2)]);
  assert.equal(network.view().standIn, false);
});

test('adopt: only into an empty list, remembered as the inviter\'s; a manual change forgets where it came from', async () => {
  const network = new NetworkSettings({ port: memoryPort() });
  assert.equal(await network.adopt([gw(3), gw(4)], 'Ada'), true);
  assert.deepEqual(network.view().gatewaysFrom, 'Ada');
  assert.equal(await network.adopt([gw(5)], 'Eve'), false, 'a second inviter does not replace them');
  assert.deepEqual((await network.load()).gateways, [gw(3), gw(4)]);
  await network.update({ gateways: [gw(5)] });
  assert.equal(network.view().gatewaysFrom, null);
});

test('health: the last outcome the transport reported, by the name the transport uses', async () => {
  let now = 1_000;
  const network = new NetworkSettings({ port: memoryPort(), now: () => now });
  await network.update({ gateways: [gw(80), gw(9001)] });
  const host80 = gw(80).slice('http://'.length, -':80'.length); // URL drops the default port
  network.saw(host80, true);
  now = 2_000;
  network.saw(gw(9001).slice('http://'.length), false, 'GATEWAY_UNREACHABLE');
  network.saw('someone-else.onion', true);
  const [first, second] = network.view().gateways;
  assert.deepEqual(first, { url: gw(80), state: 'reachable', lastSuccessAt: 1_000, lastFailureAt: null, lastFailureCode: null });
  assert.deepEqual(second, { url: gw(9001), state: 'failing', lastSuccessAt: null, lastFailureAt: 2_000, lastFailureCode: 'GATEWAY_UNREACHABLE' });
  now = 3_000;
  network.saw(gw(9001).slice('http://'.length), true);
  assert.equal(network.view().gateways[1]!.state, 'reachable');
});

test('live gateway list: NO_GATEWAY while empty; a change builds a transport for the new list, closes the old one and re-publishes', async () => {
  const network = new NetworkSettings({ port: memoryPort() });
  await network.load();
  const built: { list: string[]; closed: boolean }[] = [];
  let switches = 0;
  const live = new LiveGatewayTransport({
    source: network,
    build: (list): RegistryTransport => {
      const entry = { list, closed: false };
      built.push(entry);
      return { put: async () => undefined, get: async (keys) => keys.map(() => null), close: async () => { entry.closed = true; } };
    },
    onSwitch: () => { switches++; },
  });
  await assert.rejects(live.get([new Uint8Array(32)]), { code: 'NO_GATEWAY' });
  await network.update({ gateways: [gw(6)] });
  assert.equal(switches, 1);
  assert.deepEqual(await live.get([new Uint8Array(32)]), [null]);
  await network.update({ gateways: [gw(6), gw(7)] });
  assert.deepEqual(built.map((b) => [b.list, b.closed]), [[[gw(6)], true], [[gw(6), gw(7)], false]]);
  await network.update({ tor: { kind: 'system' } });
  assert.equal(built.length, 2, 'no rebuild when the list did not change');
  await network.update({ gateways: [] });
  assert.equal(built[1]!.closed, true, 'an emptied list closes the transport');
  await assert.rejects(live.put({ publicKey: new Uint8Array(32), seq: 1, value: new Uint8Array(0), signature: new Uint8Array(64) }), { code: 'NO_GATEWAY' });
  await network.update({ gateways: [gw(6), gw(7)] });
  assert.equal(built.length, 3);
  await live.close();
  assert.equal(built[2]!.closed, true);
  await network.update({ gateways: [gw(8)] });
  assert.equal(built.length, 3, 'closed: no longer follows the settings');
});

test('tor choice: bundled looks in the bundle (PATH only outside an installed app), path looks nowhere else', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-tor-choice-'));
  try {
    const own = join(dir, 'my-tor');
    await writeFile(own, '#!/bin/sh\n');
    await chmod(own, 0o755);
    const base = { platform: 'linux' as const, arch: 'x64' };
    const choice = torBinaryOf({ kind: 'path', path: own }, { resourcesDir: dir, packaged: true });
    assert.deepEqual(choice, { torPath: own, tor: { searchPath: false } });
    assert.equal(await findTorBinary({ ...base, configured: choice.torPath, pathEnv: undefined }), own);
    const missing = torBinaryOf({ kind: 'path', path: join(dir, 'nope') }, {});
    await assert.rejects(findTorBinary({ ...base, configured: missing.torPath, pathEnv: undefined }), { code: 'NO_TOR_BINARY' });
    assert.deepEqual(torBinaryOf({ kind: 'bundled' }, { resourcesDir: dir, packaged: true }), { tor: { resourcesDir: dir, packaged: true } });
    assert.deepEqual(torBinaryOf({ kind: 'system' }, { resourcesDir: dir, packaged: true }), { tor: { searchPath: true, packaged: false } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('invitations: v2 with the inviter\'s own gateways; an invitee without any adopts them, one with its own keeps them; v1 still accepted', async (t) => {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-inv-gw-'));
  const net = new LoopbackNetwork();
  const cores: SottoCore[] = [];
  const side = (name: string) => {
    let core: SottoCore | null = null;
    const network = new NetworkSettings({ port: () => core!.settingsStore(), standInGateways: [gw(99)] });
    core = new SottoCore({
      profileDir: join(root, name), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, network,
      timings: { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000 },
    });
    cores.push(core);
    return { core, network };
  };
  t.after(async () => { await Promise.allSettled(cores.map((c) => c.close())); await rm(root, { recursive: true, force: true }); });
  const [ada, bea, cy] = [side('ada'), side('bea'), side('cy')];
  for (const [s, name] of [[ada, 'Ada'], [bea, 'Bea'], [cy, 'Cy']] as const) await s.core.createProfile({ displayName: name, passphrase: `${name} pass` });

  const bare = decodeInvitation((await ada.core.createInvitation({ kind: 'open' })).link);
  assert.equal(bare.version, 2);
  assert.deepEqual(bare.form === 'open' && bare.gateways, [], 'a testbed\'s stand-ins are not handed out');

  await ada.network.update({ gateways: [gw(10), gw(11), gw(12), gw(13), gw(14)] });
  await cy.network.update({ gateways: [gw(20)] });
  const link = (await ada.core.createInvitation({ kind: 'open' })).link;
  const decoded = decodeInvitation(link);
  assert.deepEqual(decoded.form === 'open' && decoded.gateways.map((g) => `http://${g.onion}:${g.port}`), [gw(10), gw(11), gw(12), gw(13)], 'the first four');
  await bea.core.acceptInvitation({ link });
  assert.deepEqual((await bea.network.load()).gateways, [gw(10), gw(11), gw(12), gw(13)]);
  assert.equal(bea.network.view().gatewaysFrom, 'Ada');

  const forCy = (await ada.core.createInvitation({ kind: 'sealed', contactCode: cy.core.profile().contactCode, nickname: 'Cy' })).link;
  assert.equal(decodeInvitation(forCy).version, 2);
  await cy.core.acceptInvitation({ link: forCy });
  assert.deepEqual((await cy.network.load()).gateways, [gw(20)], 'Cy keeps the gateways it chose');

  // An older app (no network settings) writes v1: still accepted, the list stays as it was.
  const old = new SottoCore({ profileDir: join(root, 'old'), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS });
  cores.push(old);
  await old.createProfile({ displayName: 'Old', passphrase: 'old pass' });
  const v1 = (await old.createInvitation({ kind: 'open' })).link;
  assert.match(v1, /^sotto:\/\/invite\/v1#/);
  assert.equal((await cy.core.acceptInvitation({ link: v1 })).kind, 'open');
  assert.deepEqual((await cy.network.load()).gateways, [gw(20)]);
});
