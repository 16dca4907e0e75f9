// Which network a profile runs on (profile-network.ts): the profile's choice, stored encrypted, at
// every unlock, whatever network the host was started for. A real core, profile store, settings
// and IPC handler; the services are the loopback ones (no tor), and the test reads the options the
// plan built them with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onionAddressFromPublicKey, ready } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { LoopbackNetwork } from '../core/loopback-services.ts';
import { NetworkSettings } from '../core/network-settings.ts';
import type { NetworkServicesOptions } from '../core/network-services.ts';
import { DEFAULT_CORE_TIMINGS, SottoCore, systemClock } from '../index.ts';
import { TESTBED_CORE_TIMINGS, TESTBED_TUNING, type AttachedTestbed } from '../console/index.ts';
import { parseTestbedDescription } from '../../testbed/index.ts';
import { networkPlan, profileServices } from './profile-network.ts';
import { IpcHandler } from './ipc-handler.ts';
import { UiSettings } from './ui-settings.ts';
import { recordingActions } from './test-support.ts';

const onion = (seed: number): string => onionAddressFromPublicKey(new Uint8Array(32).map((_, i) => (i * 5 + seed) & 255));

const TESTBED = parseTestbedDescription({
  version: 1, createdAt: '2026-11-30T06:00:00.000Z', dir: '/tmp/tb',
  tor: { clientTorrc: ['TestingTorNetwork 1', 'DirAuthority auth0 orport=1 no-v2 v3ident=AA 127.0.0.1:2 BB'] },
  dht: { bootstrap: ['127.0.0.1:3'] },
  gateways: [{ name: 'gw0', url: 'http://127.0.0.1:4', onion: `${onion(1)}:80` }],
});
const TESTBED_GATEWAY = `http://${onion(1)}:80`;

/** The desktop hosts' IPC handler over `core`: a call answers the value or throws with the error's code. */
function ipcCaller(t: { after(fn: () => Promise<void>): void }, core: SottoCore, network: NetworkSettings, root: string): (channel: string, input?: unknown) => Promise<unknown> {
  const handler = new IpcHandler({ core, settings: new UiSettings(() => core.settingsStore()), actions: recordingActions(), network });
  t.after(async () => { handler.close(); await core.close(); await rm(root, { recursive: true, force: true }); });
  return async (channel, input) => {
    const r = await handler.handle(channel, input);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
}

test('the plan: only a sandbox profile on a host with a testbed runs there; a Tor profile, or any on a public host, runs public with production timings', () => {
  const testbed = networkPlan('testbed', { kind: 'sandbox' }, TESTBED, { standIn: true });
  assert.deepEqual(testbed, {
    network: 'testbed', privateTorrc: TESTBED.tor.clientTorrc, standIns: [TESTBED_GATEWAY], tuning: TESTBED_TUNING, timings: TESTBED_CORE_TIMINGS,
  });
  assert.deepEqual(networkPlan('testbed', { kind: 'sandbox' }, TESTBED, { standIn: false }).standIns, [], '--no-testbed-gateways');
  const publicPlan = { network: 'public', privateTorrc: [], standIns: [], tuning: undefined, timings: undefined };
  assert.deepEqual(networkPlan('testbed', { kind: 'tor' }, TESTBED, { standIn: true }), publicPlan, 'Tor network beats the testbed');
  assert.deepEqual(networkPlan('public', { kind: 'sandbox' }, null, { standIn: true }), publicPlan, '--network public keeps its meaning');
  assert.deepEqual(networkPlan('public', { kind: 'tor' }, null, { standIn: true }), publicPlan);
});

test('onboarding\'s Tor choice is stored before the first start and decides every unlock; a change in the settings applies at the next one', async (t) => {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-profile-network-'));
  const net = new LoopbackNetwork();
  const built: NetworkServicesOptions[] = [];
  let releaseTestbed!: (tb: AttachedTestbed) => void;
  // The host's testbed is still being found: a Tor profile must not wait for it.
  const testbed = new Promise<AttachedTestbed>((resolve) => { releaseTestbed = resolve; });
  const logged: string[] = [];
  const profileDir = join(root, 'ada');
  const network: NetworkSettings = new NetworkSettings({ port: () => core.settingsStore() });
  const services = profileServices({
    host: 'testbed', testbed, network, standIn: true, log: (l) => logged.push(l),
    build: (o) => { built.push(o); return net.services({ clock: systemClock }); },
  });
  // The core's loops are armed with the unlock's timings: the invitation expiry check shows which.
  const delays: number[] = [];
  const clock = { ...systemClock, setTimeout: (fn: () => void, ms: number) => { delays.push(ms); return systemClock.setTimeout(fn, ms); } };
  const expiryChecksSince = (from: number): number[] => delays.slice(from).filter((ms) => ms === TESTBED_CORE_TIMINGS.expiryCheckMs || ms === DEFAULT_CORE_TIMINGS.expiryCheckMs);
  const core: SottoCore = new SottoCore({ profileDir, services, network, clock, kdf: KDF_MINIMAL_FOR_TESTS });
  const call = ipcCaller(t, core, network, root);

  const typo = `http://${onion(2).slice(0, 20)}${onion(2)[20] === 'a' ? 'b' : 'a'}${onion(2).slice(21)}`;
  await assert.rejects(call('createProfileOnNetwork', { displayName: 'Ada', passphrase: 'pw', network: { kind: 'tor', gateways: [TESTBED_GATEWAY, typo] } }),
    { code: 'BAD_GATEWAY_URL', message: /gateway 2: .*typo/ });
  assert.equal(core.status().phase, 'no-profile', 'nothing was created');
  assert.equal(built.length, 0);

  let mark = delays.length;
  await call('createProfileOnNetwork', { displayName: 'Ada', passphrase: 'pw', network: { kind: 'tor', gateways: [` ${TESTBED_GATEWAY} `] } });
  assert.equal(core.status().phase, 'running');
  assert.deepEqual(expiryChecksSince(mark), [DEFAULT_CORE_TIMINGS.expiryCheckMs], 'production timings');
  assert.deepEqual(built[0]!.privateTorrc, [], 'no private-network torrc line on the public network');
  assert.equal(built[0]!.tuning, undefined, 'production schedules');
  let view = await call('getNetwork') as { kind: string; network: string; standIn: boolean; gateways: { url: string }[] };
  assert.deepEqual([view.kind, view.network, view.standIn, view.gateways.map((g) => g.url)], ['tor', 'public', false, [TESTBED_GATEWAY]]);

  // Settings > Network: back to the sandbox, which applies at the next unlock.
  view = await call('updateNetwork', { kind: 'sandbox', gateways: [] }) as typeof view;
  assert.deepEqual([view.kind, view.network], ['sandbox', 'public']);
  await call('lock');
  releaseTestbed({ description: TESTBED, descriptionPath: '/tmp/tb/testbed.json', owned: false, stop: async () => {} });
  mark = delays.length;
  await call('unlock', { passphrase: 'pw' });
  assert.deepEqual(expiryChecksSince(mark), [TESTBED_CORE_TIMINGS.expiryCheckMs], 'the testbed\'s timings');
  assert.deepEqual(built[1]!.privateTorrc, TESTBED.tor.clientTorrc);
  assert.equal(built[1]!.tuning, TESTBED_TUNING);
  view = await call('getNetwork') as typeof view;
  assert.deepEqual([view.kind, view.network, view.standIn, view.gateways.map((g) => g.url)], ['sandbox', 'testbed', true, [TESTBED_GATEWAY]]);

  // And to Tor again: the next unlock leaves the testbed (its stand-ins with it).
  await call('updateNetwork', { kind: 'tor' });
  await call('lock');
  mark = delays.length;
  await call('unlock', { passphrase: 'pw' });
  assert.deepEqual(built[2]!.privateTorrc, []);
  assert.deepEqual(expiryChecksSince(mark), [DEFAULT_CORE_TIMINGS.expiryCheckMs], 'production timings again');
  view = await call('getNetwork') as typeof view;
  assert.deepEqual([view.kind, view.network, view.standIn, view.gateways], ['tor', 'public', false, []]);
  assert.deepEqual(logged.filter((l) => l.startsWith('network: ')).map((l) => l.split(' ')[1]), ['public', 'testbed', 'public']);
});

test('createProfile without a choice keeps today\'s behaviour: a sandbox profile on the host\'s testbed', async (t) => {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-profile-network-'));
  const net = new LoopbackNetwork();
  const built: NetworkServicesOptions[] = [];
  const network: NetworkSettings = new NetworkSettings({ port: () => core.settingsStore() });
  const services = profileServices({
    host: 'testbed', network, standIn: false, log: () => {},
    testbed: Promise.resolve({ description: TESTBED, descriptionPath: '/tmp/tb/testbed.json', owned: false, stop: async () => {} }),
    build: (o) => { built.push(o); return net.services({ clock: systemClock }); },
  });
  const core: SottoCore = new SottoCore({ profileDir: join(root, 'bea'), services, network, kdf: KDF_MINIMAL_FOR_TESTS });
  t.after(async () => { await core.close(); await rm(root, { recursive: true, force: true }); });
  await core.createProfile({ displayName: 'Bea', passphrase: 'pw' });
  assert.deepEqual(built[0]!.privateTorrc, TESTBED.tor.clientTorrc);
  assert.deepEqual([network.view().kind, network.view().network, network.view().gateways], ['sandbox', 'testbed', []]);
});

test('a host without a testbed (an installed app) offers only the Tor network: a new profile is a Tor one, the sandbox is refused with NO_SANDBOX', async (t) => {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-profile-network-'));
  const net = new LoopbackNetwork();
  const built: NetworkServicesOptions[] = [];
  const network: NetworkSettings = new NetworkSettings({ port: () => core.settingsStore(), sandbox: false });
  const services = profileServices({
    host: 'public', testbed: null, network, standIn: false, log: () => {},
    build: (o) => { built.push(o); return net.services({ clock: systemClock }); },
  });
  const core: SottoCore = new SottoCore({ profileDir: join(root, 'cy'), services, network, kdf: KDF_MINIMAL_FOR_TESTS });
  const call = ipcCaller(t, core, network, root);

  assert.deepEqual(await call('networkChoices'), { sandbox: false }, 'asked before any profile exists');
  await assert.rejects(call('createProfileOnNetwork', { displayName: 'Cy', passphrase: 'pw', network: { kind: 'sandbox' } }), { code: 'NO_SANDBOX' });
  assert.equal(core.status().phase, 'no-profile', 'nothing was created');
  await call('createProfileOnNetwork', { displayName: 'Cy', passphrase: 'pw', network: { gateways: [TESTBED_GATEWAY] } });
  assert.deepEqual([network.view().kind, network.view().network], ['tor', 'public'], 'no kind given: the Tor network, the only one here');
  assert.deepEqual(built[0]!.privateTorrc, []);
  await assert.rejects(call('updateNetwork', { kind: 'sandbox' }), { code: 'NO_SANDBOX' });
  assert.equal(network.view().kind, 'tor', 'the refused change stored nothing');
});
