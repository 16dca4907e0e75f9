// When the DHT behind a gateway is gone, clients must see an error they fail over on (502/504),
// never `null` records, which would read as "every contact is offline".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from './server.ts';
import { errorCode, httpJson, recordKeyPair, signedRecord, startTestnet } from './test-support.ts';

/**
 * Every node of a testnet stops answering but keeps its UDP port. Destroying the nodes freed their
 * loopback ports, and a DHT of another test file running at the same time could bind one of them
 * and answer the gateway's query with "no record" (a CI flake under load): a node that is silent
 * on its own port is the dead DHT this test means. (dht-rpc's io ignores every message while
 * `suspended`; its own suspend() would also close the sockets.)
 */
function silence(testnet: { nodes: unknown[] }): void {
  for (const node of testnet.nodes as { io: { suspended: boolean } }[]) node.io.suspended = true;
}

test('a dead DHT gives DHT_FAILED (502) or TIMEOUT (504), not null records', async () => {
  // One testnet each: two gateways on one DHT may find each other, and a live gateway node that
  // answers a query (with nothing) would count as "the DHT answered" (a flake seen in CI).
  const testnet = await startTestnet(10);
  const otherTestnet = await startTestnet(10);
  const patient = await startGateway({ bootstrap: testnet.bootstrapStrings, dhtHost: '127.0.0.1' });
  const hasty = await startGateway({ bootstrap: otherTestnet.bootstrapStrings, dhtHost: '127.0.0.1', limits: { dhtTimeoutMs: 300 } });
  try {
    const record = signedRecord(recordKeyPair(), 1, Buffer.from('before'));
    assert.equal((await httpJson(patient.url, { path: '/v1/put', json: record })).status, 200);
    silence(testnet);
    silence(otherTestnet);

    const [get, put, timedOut] = await Promise.all([
      httpJson(patient.url, { path: '/v1/get', json: { publicKeys: [record.publicKey] } }),
      httpJson(patient.url, { path: '/v1/put', json: signedRecord(recordKeyPair(), 1, Buffer.from('after')) }),
      httpJson(hasty.url, { path: '/v1/get', json: { publicKeys: [record.publicKey] } }),
    ]);
    assert.equal(get.status, 502);
    assert.equal(errorCode(get), 'DHT_FAILED');
    assert.equal(put.status, 502);
    assert.equal(errorCode(put), 'DHT_FAILED');
    assert.equal(timedOut.status, 504);
    assert.equal(errorCode(timedOut), 'TIMEOUT');
    // The gateway itself keeps serving.
    assert.equal((await httpJson(patient.url, { path: '/v1/health' })).status, 200);
  } finally {
    await patient.close();
    await hasty.close();
    await testnet.destroy();
    await otherTestnet.destroy();
  }
});
