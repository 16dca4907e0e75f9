// Health and metrics of a real gateway on a loopback HyperDHT testnet, read over HTTP from the
// monitor port the way Prometheus or systemd's watchdog scripts read them (docs/GATEWAY.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, type Gateway } from './server.ts';
import { errorCode, httpJson, recordKeyPair, signedRecord, startTestnet } from './test-support.ts';

/** Prometheus text format -> sample name with labels -> value; every line must parse. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-z_][a-z0-9_]*(?:\{[a-z_]+="[^"\\\n]*"(?:,[a-z_]+="[^"\\\n]*")*\})?) (\S+)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    const value = Number(m[2]);
    assert.ok(Number.isFinite(value), line);
    samples.set(m[1] ?? '', value);
  }
  return samples;
}

async function scrape(gateway: Gateway): Promise<{ text: string; samples: Map<string, number> }> {
  assert.ok(gateway.monitorUrl);
  const reply = await httpJson(gateway.monitorUrl, { path: '/metrics' });
  assert.equal(reply.status, 200);
  assert.match(String(reply.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = String(reply.body);
  return { text, samples: parseMetrics(text) };
}

describe('gateway health and metrics on the monitor port', () => {
  let testnet: Awaited<ReturnType<typeof startTestnet>>;
  let gateway: Gateway;

  before(async () => {
    testnet = await startTestnet(20);
    gateway = await startGateway({ bootstrap: testnet.bootstrapStrings, dhtHost: '127.0.0.1', monitorPort: 0 });
  });

  after(async () => {
    await gateway.close();
    await testnet.destroy();
  });

  test('a stored put and a refused put are counted, with their latency, and no key shows', async () => {
    const { samples: start } = await scrape(gateway);
    assert.equal(start.get('sotto_gateway_puts_total'), 0);
    assert.ok((start.get('sotto_gateway_dht_nodes') ?? 0) > 0, 'the DHT client knows nodes of the testnet');
    assert.equal(start.get('sotto_gateway_dht_bootstrapped'), 1);
    assert.ok((start.get('process_resident_memory_bytes') ?? 0) > 1_000_000);

    const owner = recordKeyPair();
    const record = signedRecord(owner, 5, Buffer.alloc(600, 3));
    assert.equal((await httpJson(gateway.url, { path: '/v1/put', json: record })).status, 200);
    const forged = { ...signedRecord(recordKeyPair(), 5, Buffer.alloc(600, 4)), publicKey: record.publicKey };
    const refused = await httpJson(gateway.url, { path: '/v1/put', json: forged });
    assert.equal(errorCode(refused), 'BAD_SIGNATURE');
    const got = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [record.publicKey, recordKeyPair().publicKey.toString('hex')] } });
    assert.equal(got.status, 200);

    const { text, samples } = await scrape(gateway);
    assert.equal(samples.get('sotto_gateway_puts_total'), 1);
    assert.equal(samples.get('sotto_gateway_refusals_total{route="put",code="BAD_SIGNATURE"}'), 1);
    assert.equal(samples.get('sotto_gateway_gets_total'), 1);
    assert.equal(samples.get('sotto_gateway_get_keys_total'), 2);
    assert.equal(samples.get('sotto_gateway_request_duration_seconds_count{route="put"}'), 2);
    assert.equal(samples.get('sotto_gateway_request_duration_seconds_bucket{route="put",le="+Inf"}'), 2);
    assert.ok((samples.get('sotto_gateway_request_duration_seconds_sum{route="put"}') ?? 0) > 0);
    // Buckets are cumulative.
    assert.ok((samples.get('sotto_gateway_request_duration_seconds_bucket{route="put",le="0.005"}') ?? 0)
      <= (samples.get('sotto_gateway_request_duration_seconds_bucket{route="put",le="10"}') ?? 0));
    for (const secret of [record.publicKey, record.signature, forged.signature]) assert.ok(!text.includes(secret));
  });

  test('malformed HTTP refused by the server is counted too', async () => {
    const reply = await httpJson(gateway.url, { path: '/v1/put', headers: { 'x-big': 'a'.repeat(10_000) }, json: {} });
    assert.equal(errorCode(reply), 'HEADERS_TOO_LARGE');
    const { samples } = await scrape(gateway);
    assert.equal(samples.get('sotto_gateway_refusals_total{route="unknown",code="HEADERS_TOO_LARGE"}'), 1);
  });

  test('health answers 200 with the node count; the API port serves neither route', async () => {
    const monitorUrl = gateway.monitorUrl ?? '';
    assert.ok(monitorUrl.startsWith('http://127.0.0.1:'));
    const health = await httpJson(monitorUrl, { path: '/healthz' });
    assert.equal(health.status, 200);
    const body = health.body as { ok: boolean; dht: { bootstrapped: boolean; nodes: number } };
    assert.equal(body.ok, true);
    assert.ok(body.dht.nodes > 0);
    for (const path of ['/metrics', '/healthz']) {
      const onApi = await httpJson(gateway.url, { path });
      assert.equal(errorCode(onApi), 'NOT_FOUND', `${path} must not be reachable through the onion`);
    }
    assert.equal((await httpJson(monitorUrl, { path: '/metrics', method: 'POST', body: 'x' })).status, 405);
  });

  test('a gateway whose DHT is destroyed reports unhealthy (503)', async () => {
    const dht = testnet.createNode({ ephemeral: true });
    await dht.fullyBootstrapped();
    const borrowed = await startGateway({ dht, monitorPort: 0 });
    try {
      assert.ok(borrowed.monitorUrl);
      assert.equal((await httpJson(borrowed.monitorUrl, { path: '/healthz' })).status, 200);
      await dht.destroy();
      const sick = await httpJson(borrowed.monitorUrl, { path: '/healthz' });
      assert.equal(sick.status, 503);
      assert.deepEqual(sick.body, { ok: false, dht: { bootstrapped: true, nodes: 0 } });
    } finally {
      await borrowed.close();
    }
  });
});
