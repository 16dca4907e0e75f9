import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTestbedDescription, readTestbedDescription, writeTestbedDescription, type TestbedDescription } from './description.ts';
import { TestbedError } from './errors.ts';

const valid = (): TestbedDescription => ({
  version: 1,
  createdAt: '2025-01-02T03:04:05.000Z',
  dir: '/tmp/sotto-testbed',
  tor: {
    clientTorrc: [
      'TestingTorNetwork 1',
      `DirAuthority auth0 orport=1 no-v2 v3ident=${'A'.repeat(40)} 127.0.0.1:2 ${'B'.repeat(40)}`,
    ],
  },
  dht: { bootstrap: ['127.0.0.1:49737'] },
  gateways: [{ name: 'gw0', url: 'http://127.0.0.1:8080', onion: `${'a'.repeat(55)}d.onion:80` }],
});

function rejectsWith(data: unknown, code: string, pattern: RegExp): void {
  assert.throws(() => parseTestbedDescription(data), (err: unknown) => {
    assert.ok(err instanceof TestbedError);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

test('a valid description round-trips through the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-desc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'nested', 'testbed.json');
  await writeTestbedDescription(path, valid());
  assert.deepEqual(await readTestbedDescription(path), valid());
});

test('bad descriptions get BAD_DESCRIPTION naming the field', () => {
  rejectsWith(null, 'BAD_DESCRIPTION', /\(root\)/);
  rejectsWith('text', 'BAD_DESCRIPTION', /\(root\)/);
  rejectsWith({ ...valid(), version: 2 }, 'BAD_DESCRIPTION', /version/);
  rejectsWith({ ...valid(), createdAt: 'yesterday' }, 'BAD_DESCRIPTION', /createdAt/);
  rejectsWith({ ...valid(), extra: 1 }, 'BAD_DESCRIPTION', /extra|unrecognized/i);
  rejectsWith({ ...valid(), tor: { clientTorrc: ['DirAuthority x'] } }, 'BAD_DESCRIPTION', /TestingTorNetwork/);
  rejectsWith({ ...valid(), tor: { clientTorrc: ['TestingTorNetwork 1'] } }, 'BAD_DESCRIPTION', /DirAuthority/);
  rejectsWith({ ...valid(), tor: { clientTorrc: ['TestingTorNetwork 1', 'DirAuthority a\nControlPort 9051'] } }, 'BAD_DESCRIPTION', /one line/);
  // Loopback only: a description must never point tests at another host.
  rejectsWith({ ...valid(), dht: { bootstrap: ['10.0.0.1:49737'] } }, 'BAD_DESCRIPTION', /dht\.bootstrap\.0/);
  rejectsWith({ ...valid(), dht: { bootstrap: [] } }, 'BAD_DESCRIPTION', /dht\.bootstrap/);
  const gw = valid().gateways[0];
  rejectsWith({ ...valid(), gateways: [{ ...gw, url: 'http://example.com:80' }] }, 'BAD_DESCRIPTION', /gateways\.0\.url/);
  rejectsWith({ ...valid(), gateways: [{ ...gw, onion: 'abc.onion:80' }] }, 'BAD_DESCRIPTION', /gateways\.0\.onion/);
  rejectsWith({ ...valid(), gateways: [{ ...gw, onion: `${'a'.repeat(56)}.onion` }] }, 'BAD_DESCRIPTION', /gateways\.0\.onion/);
});

test('unreadable and non-JSON files get coded errors', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-desc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(readTestbedDescription(join(dir, 'missing.json')), { code: 'DESCRIPTION_UNREADABLE' });
  const garbage = join(dir, 'garbage.json');
  await writeFile(garbage, '{"version": 1,');
  await assert.rejects(readTestbedDescription(garbage), { code: 'BAD_DESCRIPTION' });
});

test('writing refuses an invalid description', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-desc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bad = { ...valid(), gateways: [{ name: 'GW 0', url: 'x', onion: 'y' }] };
  await assert.rejects(writeTestbedDescription(join(dir, 't.json'), bad), { code: 'BAD_DESCRIPTION' });
});
