// Hostile input as a gateway on the open Tor network meets it: garbage, wrong shapes, oversized
// bodies, malformed HTTP and 10^3 random requests. Every answer is a coded 4xx; the gateway keeps
// serving.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import { startGateway, type Gateway } from './server.ts';
import { errorCode, httpJson, recordKeyPair, signedRecord, startTestnet, type JsonReply } from './test-support.ts';
import type { GatewayLogEntry } from './handler.ts';

const CODES_4XX = new Set([
  'BAD_JSON', 'BAD_REQUEST', 'BAD_SIGNATURE', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'SEQ_REUSED', 'SEQ_TOO_LOW',
  'TOO_LARGE', 'RATE_LIMITED', 'REQUEST_TIMEOUT', 'HEADERS_TOO_LARGE',
]);

function assertCoded4xx(reply: JsonReply, context: string): void {
  assert.ok(reply.status >= 400 && reply.status < 500, `${context}: status ${reply.status} ${JSON.stringify(reply.body)}`);
  const code = errorCode(reply);
  assert.ok(code !== undefined && CODES_4XX.has(code), `${context}: code ${String(code)}`);
}

/** Raw bytes on one TCP connection; resolves with everything the server sent before closing. */
function rawExchange(port: number, bytes: Buffer, opts: { timeoutMs?: number } = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: false });
    }, opts.timeoutMs ?? 2_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      // A reset after the server answered and closed is fine: we keep what was read.
      if (chunks.length > 0) resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true });
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true });
    });
    socket.write(bytes);
  });
}

function statusOf(text: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
}

describe('gateway under bad input', () => {
  let testnet: Awaited<ReturnType<typeof startTestnet>>;
  let gateway: Gateway;
  const logs: GatewayLogEntry[] = [];

  before(async () => {
    testnet = await startTestnet(20);
    gateway = await startGateway({
      dht: testnet.createNode(),
      // Generous rates so the validation paths, not the rate limiter, answer the fuzz requests.
      limits: { perConnection: { burst: 100, perSecond: 100 }, global: { burst: 100_000, perSecond: 100_000 } },
      log: (e) => logs.push(e),
    });
  });

  after(async () => {
    await gateway.close();
    await testnet.destroy();
  });

  test('garbage JSON is BAD_JSON', async () => {
    for (const body of ['{not json', '', '{"publicKey":', Buffer.from([0xff, 0xfe, 0x7b, 0x7d])]) {
      for (const path of ['/v1/put', '/v1/get']) {
        const reply = await httpJson(gateway.url, { path, method: 'POST', body });
        assert.equal(reply.status, 400);
        assert.equal(errorCode(reply), 'BAD_JSON', `${path} ${String(body)}`);
      }
    }
  });

  test('wrong types and forms are BAD_REQUEST (or TOO_LARGE for sizes)', async () => {
    const good = signedRecord(recordKeyPair(), 1, Buffer.from('v'));
    const puts: [unknown, string][] = [
      [null, 'BAD_REQUEST'], [[], 'BAD_REQUEST'], ['str', 'BAD_REQUEST'], [42, 'BAD_REQUEST'],
      [{}, 'BAD_REQUEST'],
      [{ ...good, extra: 1 }, 'BAD_REQUEST'],
      [{ ...good, publicKey: good.publicKey.toUpperCase() }, 'BAD_REQUEST'],
      [{ ...good, publicKey: good.publicKey.slice(2) }, 'BAD_REQUEST'],
      [{ ...good, publicKey: 7 }, 'BAD_REQUEST'],
      [{ ...good, seq: -1 }, 'BAD_REQUEST'],
      [{ ...good, seq: 1.5 }, 'BAD_REQUEST'],
      [{ ...good, seq: '1' }, 'BAD_REQUEST'],
      [{ ...good, seq: 2 ** 53 }, 'BAD_REQUEST'],
      [{ ...good, value: '' }, 'BAD_REQUEST'],
      [{ ...good, value: 'dg' }, 'BAD_REQUEST'], // unpadded
      [{ ...good, value: 'd$==' }, 'BAD_REQUEST'],
      [{ ...good, value: 'dh==' }, 'BAD_REQUEST'], // non-canonical trailing bits
      [{ ...good, value: ['dg=='] }, 'BAD_REQUEST'],
      [{ ...good, value: Buffer.alloc(5000).toString('base64') }, 'TOO_LARGE'],
      [{ ...good, signature: good.signature.slice(1) }, 'BAD_REQUEST'],
      [{ ...good, signature: null }, 'BAD_REQUEST'],
      [{ publicKey: good.publicKey, seq: 1, value: good.value }, 'BAD_REQUEST'],
    ];
    for (const [json, code] of puts) {
      const reply = await httpJson(gateway.url, { path: '/v1/put', json });
      assert.equal(errorCode(reply), code, JSON.stringify(json).slice(0, 120));
    }
    const key = good.publicKey;
    const gets: [unknown, string][] = [
      [{}, 'BAD_REQUEST'], [{ publicKeys: key }, 'BAD_REQUEST'], [{ publicKeys: [] }, 'BAD_REQUEST'],
      [{ publicKeys: [key, 5] }, 'BAD_REQUEST'], [{ publicKeys: [key], more: true }, 'BAD_REQUEST'],
      [{ publicKeys: Array(13).fill(key) }, 'TOO_LARGE'], [[key], 'BAD_REQUEST'],
    ];
    for (const [json, code] of gets) {
      const reply = await httpJson(gateway.url, { path: '/v1/get', json });
      assert.equal(errorCode(reply), code, JSON.stringify(json).slice(0, 120));
    }
  });

  test('a declared oversized body gets 413 before it is sent, and the connection is closed', async () => {
    const head = Buffer.from(
      'POST /v1/put HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
      `content-length: ${10 * 1024 * 1024}\r\n\r\n{"publicKey":`,
    );
    // Only the head and 13 body bytes are ever sent: an answer proves the gateway did not wait.
    const { text, closed } = await rawExchange(gateway.port, head);
    assert.equal(statusOf(text), 413, text);
    assert.match(text, /"code":"TOO_LARGE"/);
    assert.ok(closed, 'the gateway closes the connection instead of draining 10 MiB');
  });

  test('a chunked body is cut as soon as it passes the cap', async () => {
    const chunk = Buffer.alloc(4096, 0x20);
    const parts = [Buffer.from('POST /v1/get HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n')];
    // 24 KiB of chunks, over the 16 KiB cap, and no terminating chunk: the request never ends.
    for (let i = 0; i < 6; i++) parts.push(Buffer.from('1000\r\n'), chunk, Buffer.from('\r\n'));
    const { text, closed } = await rawExchange(gateway.port, Buffer.concat(parts));
    assert.equal(statusOf(text), 413, text);
    assert.match(text, /"code":"TOO_LARGE"/);
    assert.ok(closed);
  });

  test('malformed HTTP gets a coded 400 and a closed connection', async () => {
    for (const bytes of ['\x00\x01\x02garbage\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'POST /v1/put HTTP/1.1\r\ncontent-length: -1\r\n\r\n']) {
      const { text, closed } = await rawExchange(gateway.port, Buffer.from(bytes, 'latin1'));
      assert.equal(statusOf(text), 400, JSON.stringify(bytes));
      assert.match(text, /"code":"BAD_REQUEST"/);
      assert.ok(closed);
    }
    const bigHeader = `GET /v1/health HTTP/1.1\r\nhost: x\r\nx-pad: ${'a'.repeat(20_000)}\r\n\r\n`;
    const { text } = await rawExchange(gateway.port, Buffer.from(bigHeader));
    assert.equal(statusOf(text), 431);
    assert.match(text, /"code":"HEADERS_TOO_LARGE"/);
  });

  test('10^3 random requests all get coded 4xx answers and the gateway keeps serving', async () => {
    const owner = recordKeyPair();
    const valid = signedRecord(owner, 5, Buffer.from('valid'));
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const request = fc.oneof(
      // Random JSON to each route.
      fc.record({ path: fc.constantFrom('/v1/put', '/v1/get'), json: anyJson }),
      // A valid record with one field replaced by random JSON.
      fc.record({
        path: fc.constant('/v1/put'),
        json: fc.tuple(fc.constantFrom('publicKey', 'seq', 'value', 'signature'), anyJson)
          .map(([field, v]) => ({ ...valid, [field]: v })),
      }),
      // Well-formed records whose seq or signature do not match what the owner signed.
      fc.record({
        path: fc.constant('/v1/put'),
        json: fc.tuple(fc.nat(), fc.uint8Array({ minLength: 64, maxLength: 64 }))
          .map(([seq, sig]) => ({ ...valid, seq, signature: Buffer.from(sig).toString('hex') })),
      }),
      // A get with random array members.
      fc.record({ path: fc.constant('/v1/get'), json: fc.array(anyJson, { maxLength: 14 }).map((publicKeys) => ({ publicKeys })) }),
      // Random bytes, random paths and methods.
      fc.record({ path: fc.constantFrom('/v1/put', '/v1/get', '/v1/health'), body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) }),
      fc.record({ path: fc.string({ maxLength: 20 }).map((s) => `/${encodeURIComponent(s)}`), method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'OPTIONS') }),
    );
    const samples = fc.sample(request, { numRuns: 1000, seed: 4 });
    assert.equal(samples.length, 1000);
    const codes = new Map<string, number>();
    for (let i = 0; i < samples.length; i += 25) {
      const batch = samples.slice(i, i + 25);
      const replies = await Promise.all(batch.map((s) => {
        const opts: Parameters<typeof httpJson>[1] = { path: s.path };
        if ('json' in s) opts.json = s.json;
        if ('body' in s) {
          opts.body = s.body;
          opts.method = 'POST';
        }
        if ('method' in s) opts.method = s.method;
        return httpJson(gateway.url, opts);
      }));
      replies.forEach((reply, j) => {
        // /v1/health with a random body is a valid health check.
        if (batch[j]?.path === '/v1/health' && reply.status === 200) return;
        assertCoded4xx(reply, JSON.stringify(batch[j]).slice(0, 200));
        const code = errorCode(reply) ?? '';
        codes.set(code, (codes.get(code) ?? 0) + 1);
      });
    }
    // The mix exercised each refusal path the validator has.
    for (const code of ['BAD_JSON', 'BAD_REQUEST', 'BAD_SIGNATURE', 'NOT_FOUND', 'METHOD_NOT_ALLOWED']) {
      assert.ok((codes.get(code) ?? 0) > 0, `no ${code} in ${JSON.stringify([...codes])}`);
    }

    const health = await httpJson(gateway.url, { path: '/v1/health' });
    assert.equal(health.status, 200);
    const record = signedRecord(owner, 6, Buffer.from('still works'));
    assert.equal((await httpJson(gateway.url, { path: '/v1/put', json: record })).status, 200);
    const got = await httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [record.publicKey] } });
    assert.deepEqual(got.body, { ok: true, records: [record] });
  });

  test('logs carry no keys, values or signatures', () => {
    const text = logs.map((e) => JSON.stringify(e)).join('\n');
    assert.ok(logs.length > 1000);
    assert.doesNotMatch(text, /[0-9a-f]{64}/);
    for (const entry of logs) {
      for (const value of Object.values(entry)) assert.ok(typeof value !== 'string' || value.length <= 24, JSON.stringify(entry));
    }
  });
});
