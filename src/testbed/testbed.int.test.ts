// Runs against the shared testbed started by scripts/run-tests.mjs (SOTTO_TESTBED = path of its
// description file): the description is valid, and every gateway answers its health endpoint
// through Tor, from a fresh client tor built only from the description (as an app profile is).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectOnion } from '../main/tor/index.ts';
import { startClientTor } from './client-tor.ts';
import { readTestbedDescription } from './description.ts';

const descriptionPath = process.env.SOTTO_TESTBED;

function getJson(url: string, socket?: Socket): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ...(socket ? { createConnection: () => socket } : {}), timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

test('shared testbed: valid description, gateways healthy directly and through Tor', { skip: descriptionPath === undefined && 'SOTTO_TESTBED not set (run through npm run test:int)' }, async (t) => {
  const description = await readTestbedDescription(descriptionPath as string);
  assert.ok(description.gateways.length >= 1, 'the testbed starts at least one gateway');
  assert.equal(new Set(description.gateways.map((g) => g.onion)).size, description.gateways.length, 'one onion per gateway');

  for (const g of description.gateways) {
    const direct = await getJson(`${g.url}/v1/health`);
    assert.equal(direct.status, 200);
    assert.equal((direct.body as { ok?: unknown }).ok, true);
  }

  const dir = await mkdtemp(join(tmpdir(), 'sotto-tb-int-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const client = await startClientTor({ clientTorrc: description.tor.clientTorrc, dataDir: join(dir, 'tor') });
  t.after(() => client.tor.stop());
  const socksPort = client.tor.socksPort;
  assert.ok(socksPort !== null);

  for (const g of description.gateways) {
    const [host, port] = g.onion.split(':') as [string, string];
    // A fresh circuit per gateway, as the registry client isolates each request.
    const socket = await connectOnion({ socksPort, serviceId: host, port: Number(port), isolation: `health-${g.name}`, timeoutMs: 15_000 });
    const viaTor = await getJson(`http://${host}/v1/health`, socket);
    assert.equal(viaTor.status, 200, `${g.name} over Tor`);
    assert.equal((viaTor.body as { ok?: unknown }).ok, true, `${g.name} over Tor`);
  }
});
