// The real path of network settings (issue 13 items 1 and 2) on the shared testbed, through the
// same IPC handler the settings screen calls: two profiles whose hosts are given no gateway by the
// testbed (its torrc lines only: the private Tor network), Ada types the testbed's two gateway
// onion URLs into her settings, invites Bea (a v2 invitation carrying them), Bea who has none takes
// Ada's, and the two see each other online. A bad URL is refused with a code and changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeInvitation, ready } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { testbed } from '../core/test-support.ts';
import type { SottoEvent } from '../../ipc/index.ts';
import { openProfileHost, type ProfileHost } from './profile-host.ts';
import { recordingActions } from './test-support.ts';

interface Side { name: string; host: ProfileHost; events: SottoEvent[] }

let root = '';
let tbGateways: string[] = [];
const sides: Side[] = [];

before(async () => {
  await ready();
  const tb = await testbed();
  // What a person copies from a gateway operator's page: http://<56>.onion (port 80 implied).
  tbGateways = tb.gateways.map((g) => `http://${g.onion.replace(/:80$/, '')}`);
  root = await mkdtemp(join(tmpdir(), 'sotto-network-'));
  for (const name of ['Ada', 'Bea']) {
    const host = openProfileHost({
      profileDir: join(root, name), testbedPath: process.env.SOTTO_TESTBED!, defaultTestbedPath: join(root, 'unused.json'),
      // The testbed gives its private-network torrc lines, never its gateways: the profile's settings decide.
      testbedGateways: false,
      log: () => undefined, actions: recordingActions(), kdf: KDF_MINIMAL_FOR_TESTS,
    });
    const side: Side = { name, host, events: [] };
    host.handler.onEvent((e) => side.events.push(e));
    sides.push(side);
  }
});

after(async () => {
  await Promise.allSettled(sides.map((s) => s.host.close()));
  await rm(root, { recursive: true, force: true });
});

async function call<T = unknown>(side: Side, channel: string, input?: unknown): Promise<T> {
  const result = await side.host.handler.handle(channel, input);
  if (!result.ok) throw Object.assign(new Error(`${side.name} ${channel}: ${result.error.message}`), { code: result.error.code });
  return result.value as T;
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface NetworkView { gateways: { url: string; state: string; lastSuccessAt: number | null }[]; gatewaysFrom: string | null; standIn: boolean; network: string }

test('settings path: typed gateways, an invitation that carries them, both online and chatting; a bad URL is refused and loses nothing', { timeout: 240_000 }, async (t) => {
  const [ada, bea] = sides as [Side, Side];
  const started = Date.now();
  await Promise.all([
    call(ada, 'createProfile', { displayName: 'Ada', passphrase: 'ada passphrase' }),
    call(bea, 'createProfile', { displayName: 'Bea', passphrase: 'bea passphrase' }),
  ]);
  for (const side of [ada, bea]) {
    const view = await call<NetworkView>(side, 'getNetwork');
    assert.deepEqual(view.gateways, [], `${side.name} starts with no gateway (none from the testbed)`);
    assert.equal(view.standIn, false);
    assert.equal(view.network, 'testbed', 'on the testbed (its tor lines) without its gateways');
  }

  // A typo in the second address: coded refusal, nothing stored (not even the good first one).
  const typo = `${tbGateways[1]!.slice(0, 20)}${tbGateways[1]![20] === 'a' ? 'b' : 'a'}${tbGateways[1]!.slice(21)}`;
  await assert.rejects(call(ada, 'updateNetwork', { gateways: [tbGateways[0], typo] }), (e: { code?: string; message: string }) => {
    assert.equal(e.code, 'BAD_GATEWAY_URL');
    assert.match(e.message, /gateway 2: .*typo/);
    return true;
  });
  assert.deepEqual((await call<NetworkView>(ada, 'getNetwork')).gateways, []);

  const typed = await call<NetworkView>(ada, 'updateNetwork', { gateways: [` ${tbGateways[0]!.toUpperCase().replace('HTTP://', 'http://')} `, `${tbGateways[1]}:80/`] });
  const expected = tbGateways.map((g) => `${g}:80`);
  assert.deepEqual(typed.gateways.map((g) => g.url), expected, 'stored normalised, in the order typed');
  assert.ok(ada.events.some((e) => e.type === 'network'), 'windows are told');
  await assert.rejects(call(ada, 'updateNetwork', { gateways: ['https://example.org'] }), { code: 'BAD_GATEWAY_URL' });
  assert.deepEqual((await call<NetworkView>(ada, 'getNetwork')).gateways.map((g) => g.url), expected, 'the stored list is unchanged');

  const invitation = await call<{ id: string; link: string }>(ada, 'createInvitation', { kind: 'open' });
  const decoded = decodeInvitation(invitation.link);
  assert.equal(decoded.version, 2);
  assert.deepEqual(decoded.form === 'open' ? decoded.gateways.map((g) => `http://${g.onion}:${g.port}`) : [], expected, 'the invitation carries Ada\'s gateways');

  await call(bea, 'acceptInvitation', { link: invitation.link });
  const adopted = await call<NetworkView>(bea, 'getNetwork');
  assert.deepEqual(adopted.gateways.map((g) => g.url), expected, 'Bea, who had none, uses Ada\'s');
  assert.equal(adopted.gatewaysFrom, 'Ada', 'and sees where they came from');
  assert.ok(bea.events.some((e) => e.type === 'warning' && e.code === 'GATEWAYS_ADOPTED'));

  const redeemed = await until('Ada sees the redemption', () => ada.events.find((e) => e.type === 'invitation-redeemed'), 90_000);
  t.diagnostic(`redeemed after ${Date.now() - started} ms`);
  assert.ok(redeemed.type === 'invitation-redeemed');
  await call(ada, 'confirmInvitation', { id: redeemed.invitation.id });
  const online = (side: Side) => () => side.events.find((e) => e.type === 'presence' && e.state === 'online');
  await Promise.all([until('Ada sees Bea online', online(ada), 90_000), until('Bea sees Ada online', online(bea), 90_000)]);
  t.diagnostic(`both online after ${Date.now() - started} ms`);

  // And they chat, both ways, over the typed-in gateways' path.
  for (const [from, to] of [[ada, bea], [bea, ada]] as const) {
    const seen = online(from)();
    assert.ok(seen?.type === 'presence');
    const sent = await call<{ id: string }>(from, 'sendMessage', { contactId: seen.contactId, body: `hello from ${from.name}` });
    await until(`${to.name} gets ${from.name}'s message`, () => to.events.find((e) => e.type === 'message' && e.message.id === sent.id), 60_000);
  }

  // Health is what each app saw through tor: both reached their gateways.
  for (const side of [ada, bea]) {
    const view = await call<NetworkView>(side, 'getNetwork');
    assert.ok(view.gateways.some((g) => g.state === 'reachable' && g.lastSuccessAt !== null), `${side.name}: ${JSON.stringify(view.gateways)}`);
  }
});
