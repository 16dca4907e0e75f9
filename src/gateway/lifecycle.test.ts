// Gateway lifecycle: it owns (and destroys) the DHT it creates, refuses work while closing, and
// close() leaves no sockets, servers or timers behind, even with idle keep-alive clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { startGateway } from './server.ts';
import { httpJson, recordKeyPair, signedRecord, startTestnet } from './test-support.ts';
import type { GatewayLogEntry } from './handler.ts';

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

test('close() destroys the DHT the gateway created and leaves no open handles', async () => {
  const testnet = await startTestnet(20);
  try {
    const before = resourceCounts();
    const logs: GatewayLogEntry[] = [];
    const gateway = await startGateway({ bootstrap: testnet.bootstrapStrings, dhtHost: '127.0.0.1', log: (e) => logs.push(e) });
    assert.equal(gateway.dht.ephemeral, true, 'the gateway must never be a routing node');

    // An idle keep-alive client connection must not hold close() open.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const record = signedRecord(recordKeyPair(), 1, Buffer.from('x'));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gateway.url}/v1/put`, { agent, method: 'POST' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(JSON.stringify(record));
    });
    assert.equal(status, 200);

    const started = Date.now();
    await gateway.close();
    assert.ok(Date.now() - started < 1500, 'idle connections are closed at once, not after the grace period');
    agent.destroy();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(resourceCounts(), before);
    assert.equal(gateway.dht.destroyed, true);
    assert.deepEqual(logs.at(-1), { event: 'closed' });
    await assert.rejects(httpJson(gateway.url, { path: '/v1/health' }), { code: 'ECONNREFUSED' });
    await gateway.close(); // idempotent
  } finally {
    await testnet.destroy();
  }
});

test('a DHT passed in stays open after close()', async () => {
  const testnet = await startTestnet(5);
  try {
    const dht = testnet.createNode();
    const gateway = await startGateway({ dht });
    await gateway.close();
    assert.equal(dht.destroyed, false);
    const a = await startGateway({ dht });
    assert.equal((await httpJson(a.url, { path: '/v1/health' })).status, 200);
    await a.close();
  } finally {
    await testnet.destroy();
  }
});
