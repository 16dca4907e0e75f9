// What a gateway operator (or anyone watching the gateway) learns about a profile: a proxy in front
// of a real gateway records every request byte. For profiles with 1, 5 and 40 contacts, over two
// simulated hours, each hour = one publish cycle + one lookup sweep:
// - 1 and 5 contacts (same bucket, N = 16) produce exactly the same request counts: tolerance 0,
//   because the count is a function of N, r and the hours read, never of the contacts;
// - 40 contacts (N = 48) produce exactly 3x the puts and gets of N = 16, as the design promises;
// - every value has the same size; no identity key, contact code or onion address appears in any
//   recorded byte (raw, hex, base64 or base32 forms); no key is reused from one hour to the next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { encodeContactCode, HOUR_MS, ready, REGISTRY_VALUE_SIZE, verifyRecord } from '../../protocol/index.ts';
import { tcpConnector } from './connectors.ts';
import { GatewayTransport } from './gateway-transport.ts';
import { FAST_PUBLISHER_TIMINGS } from './publisher.ts';
import { Registry } from './registry.ts';
import { contactPair, settableClock, startGatewayProxy, startRegistryNet, type RegistryNet } from './test-support.ts';

let net: RegistryNet;
before(async () => {
  await ready();
  net = await startRegistryNet({ gateways: 1 });
});
after(() => net.close());

interface HourView {
  puts: number;
  gets: number;
  keysAsked: number;
  valueSizes: Set<number>;
  putKeys: Set<string>;
  getKeys: Set<string>;
}

async function observe(contacts: number, hours: number): Promise<{ views: HourView[]; secrets: string[]; bytes: Buffer }> {
  const proxy = await startGatewayProxy({ target: net.gateways[0]!.url });
  const clock = settableClock((Math.floor(Date.now() / HOUR_MS) + 3) * HOUR_MS + 30 * 60_000);
  const pairs = Array.from({ length: contacts }, (_, i) => contactPair({ bId: `c${i}` }));
  const me = pairs[0]!.a.identity;
  const transport = new GatewayTransport({ gateways: [proxy.url], connect: tcpConnector(), verify: (r) => verifyRecord(r.publicKey, r.seq, r.value, r.signature), getFanout: 1 });
  const registry = new Registry({ transport, identity: me, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
  // Every contact's real entry is signed by the profile's identity `me`.
  registry.setContacts(pairs.map((p) => p.a.contact));
  // Half of them are online (their entries are found by the sweep): must not change the counts.
  for (const p of pairs.slice(0, Math.ceil(contacts / 2))) {
    const peer = new Registry({ transport: new GatewayTransport({ gateways: [net.gateways[0]!.url], connect: tcpConnector(), verify: (r) => verifyRecord(r.publicKey, r.seq, r.value, r.signature) }), identity: p.b.identity, timings: FAST_PUBLISHER_TIMINGS, env: { now: clock.now } });
    peer.setContacts([p.b.contact]);
    await peer.publishNow();
    await peer.close();
  }
  const views: HourView[] = [];
  for (let h = 0; h < hours; h++) {
    const from = proxy.requests.length;
    const report = await registry.publishNow();
    assert.equal(report.failed, 0);
    await registry.sweep();
    const view: HourView = { puts: 0, gets: 0, keysAsked: 0, valueSizes: new Set(), putKeys: new Set(), getKeys: new Set() };
    for (const r of proxy.requests.slice(from)) {
      const body = JSON.parse(r.body.toString('utf8')) as { publicKey?: string; value?: string; publicKeys?: string[] };
      if (r.path === '/v1/put') {
        view.puts++;
        view.valueSizes.add(Buffer.from(body.value ?? '', 'base64').length);
        view.putKeys.add(body.publicKey ?? '');
      } else if (r.path === '/v1/get') {
        view.gets++;
        view.keysAsked += body.publicKeys?.length ?? 0;
        for (const k of body.publicKeys ?? []) view.getKeys.add(k);
      }
    }
    views.push(view);
    clock.advance(HOUR_MS);
  }
  await registry.close();
  await proxy.close();
  const secrets: string[] = [];
  const forms = (b: Uint8Array): string[] => [Buffer.from(b).toString('hex'), Buffer.from(b).toString('base64'), Buffer.from(b).toString('base64url')];
  secrets.push(...forms(me.publicKey), encodeContactCode(me.publicKey));
  for (const p of pairs) {
    secrets.push(...forms(p.b.identity.publicKey), encodeContactCode(p.b.identity.publicKey), ...forms(p.a.contact.sharedKey));
    for (const e of [p.a.contact.endpoint, p.b.contact.endpoint]) {
      if (e === undefined) continue;
      const id = e.onion.replace(/\.onion$/, '');
      secrets.push(id, id.toUpperCase());
    }
  }
  return { views, secrets, bytes: Buffer.concat(proxy.requests.map((r) => r.body)) };
}

test('a gateway sees the same request counts and sizes for 1 and 5 contacts, 3x for 40, and no identifying bytes', async () => {
  const one = await observe(1, 2);
  const five = await observe(5, 2);
  const forty = await observe(40, 2);
  for (let h = 0; h < 2; h++) {
    const [v1, v5, v40] = [one.views[h]!, five.views[h]!, forty.views[h]!];
    assert.deepEqual([v1.puts, v1.gets, v1.keysAsked], [16 * 3, 4, 48], 'N = 16: 48 puts, 48 keys read in 4 batches of 12');
    assert.deepEqual([v5.puts, v5.gets, v5.keysAsked], [v1.puts, v1.gets, v1.keysAsked], '1 and 5 contacts are indistinguishable by count');
    assert.deepEqual([v40.puts, v40.gets, v40.keysAsked], [3 * v1.puts, 3 * v1.gets, 3 * v1.keysAsked], '40 contacts: the next bucket, N = 48');
    for (const v of [v1, v5, v40]) {
      assert.deepEqual([...v.valueSizes], [REGISTRY_VALUE_SIZE], 'every value has the same size');
      assert.equal(v.putKeys.size, v.puts, 'each key written once per cycle');
    }
  }
  for (const o of [one, five, forty]) {
    const [h0, h1] = [o.views[0]!, o.views[1]!];
    for (const k of h1.putKeys) assert.ok(!h0.putKeys.has(k), 'write keys change every hour');
    for (const k of h1.getKeys) assert.ok(!h0.getKeys.has(k), 'read keys change every hour');
    const text = o.bytes.toString('latin1');
    for (const s of o.secrets) assert.ok(!text.includes(s), `a recorded request contains ${s.slice(0, 12)}...`);
    for (const s of o.secrets.filter((x) => /^[0-9a-f]{64}$/.test(x))) {
      assert.ok(!o.bytes.includes(Buffer.from(s, 'hex')), 'raw key bytes in a request');
    }
  }
});
