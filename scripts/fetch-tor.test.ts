// fetch-tor on a fixture archive made here with tar, served over real HTTP on 127.0.0.1: a right
// sum unpacks where src/main/tor/binary.ts looks, a wrong sum leaves nothing in resources/, a
// closed port gives the offline message (and the CLI prints it without a stack trace), a missing
// pin refuses before any request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'tar';
import { findTorBinary } from '../src/main/tor/binary.ts';
import { fetchTorBundle, FetchTorError, readPins, type TorPins } from './tor-bundle.ts';

const work = mkdtempSync(join(tmpdir(), 'sotto-fetch-tor-test-'));
const FILE = 'tor-expert-bundle-linux-x86_64-0.0.1.tar.gz';
const TOR_SCRIPT = '#!/bin/sh\necho "fixture tor"\n';
let archive: Buffer;
let sum: string;
let server: Server;
let baseUrl: string;
let requests = 0;

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function pins(sha256: string | null, base = baseUrl): TorPins {
  const pin = { file: FILE, sha256 };
  return { version: '0.0.1', baseUrl: base, bundles: { 'linux-x64': pin, 'win32-x64': pin, 'darwin-x64': pin, 'darwin-arm64': pin } };
}

function freshResources(): string {
  return mkdtempSync(join(work, 'resources-'));
}

before(async () => {
  // The layout of a real expert bundle: tor/ with the binary and its libraries, data/ with geoip.
  const src = join(work, 'bundle');
  mkdirSync(join(src, 'tor', 'pluggable_transports'), { recursive: true });
  mkdirSync(join(src, 'data'));
  writeFileSync(join(src, 'tor', 'tor'), TOR_SCRIPT);
  chmodSync(join(src, 'tor', 'tor'), 0o755);
  writeFileSync(join(src, 'tor', 'libevent-2.1.so.7'), 'not really a library');
  writeFileSync(join(src, 'data', 'geoip'), '# geoip\n');
  await create({ gzip: true, cwd: src, file: join(work, FILE), portable: true }, ['tor', 'data']);
  archive = readFileSync(join(work, FILE));
  sum = createHash('sha256').update(archive).digest('hex');
  server = createServer((req, res) => {
    requests++;
    if (req.url === `/${FILE}`) res.end(archive);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('the pinned sum unpacks into resources/tor/linux-x64/, where findTorBinary finds it', async () => {
  const resources = freshResources();
  const tor = await fetchTorBundle({ pins: pins(sum), target: 'linux-x64', resourcesDir: resources });
  assert.equal(tor, join(resources, 'tor', 'linux-x64', 'tor'));
  assert.equal(readFileSync(tor, 'utf8'), TOR_SCRIPT);
  assert.ok((statSync(tor).mode & 0o111) !== 0, 'executable');
  assert.ok(existsSync(join(resources, 'tor', 'linux-x64', 'libevent-2.1.so.7')), 'libraries beside tor');
  assert.ok(existsSync(join(resources, 'tor', 'linux-x64', 'data', 'geoip')));
  assert.deepEqual(readdirSync(join(resources, 'tor')), ['linux-x64'], 'no staging directory left');
  assert.equal(await findTorBinary({ platform: 'linux', arch: 'x64', resourcesDir: resources, pathEnv: undefined, packaged: true }), tor);
});

test('a wrong sum is refused and nothing is left in resources/', async () => {
  const resources = freshResources();
  const wrong = createHash('sha256').update('another archive').digest('hex');
  await assert.rejects(fetchTorBundle({ pins: pins(wrong), target: 'linux-x64', resourcesDir: resources }), (err: FetchTorError) => {
    assert.equal(err.code, 'TOR_CHECKSUM_MISMATCH');
    assert.ok(err.message.includes(sum) && err.message.includes(wrong));
    return true;
  });
  assert.deepEqual(readdirSync(resources), []);
});

test('a file the server does not have is TOR_DOWNLOAD_FAILED, pointing at the archive mirror', async () => {
  const resources = freshResources();
  const moved = pins(sum);
  moved.bundles['linux-x64'] = { file: 'tor-expert-bundle-linux-x86_64-0.0.2.tar.gz', sha256: sum };
  await assert.rejects(fetchTorBundle({ pins: moved, target: 'linux-x64', resourcesDir: resources }), (err: FetchTorError) =>
    err.code === 'TOR_DOWNLOAD_FAILED' && err.message.includes('HTTP 404') && err.message.includes('archive.torproject.org'));
  assert.deepEqual(readdirSync(resources), []);
});

test('a missing pin is refused before any request', async () => {
  const before = requests;
  await assert.rejects(fetchTorBundle({ pins: pins(null), target: 'darwin-arm64', resourcesDir: freshResources() }),
    (err: FetchTorError) => err.code === 'TOR_PIN_MISSING' && err.message.includes('darwin-arm64'));
  assert.equal(requests, before);
  // The committed pin file parses; every sum it has is a real 64-hex pin or null, never a placeholder.
  const committed = await readPins(fileURLToPath(new URL('./tor-pins.json', import.meta.url)));
  for (const pin of Object.values(committed.bundles)) assert.ok(pin.sha256 === null || /^[0-9a-f]{64}$/.test(pin.sha256));
});

test('offline: a closed 127.0.0.1 port gives TOR_OFFLINE, and the CLI prints one line without a stack', async () => {
  const closed = `http://127.0.0.1:${await closedPort()}/`;
  const resources = freshResources();
  await assert.rejects(fetchTorBundle({ pins: pins(sum, closed), target: 'linux-x64', resourcesDir: resources }), (err: FetchTorError) => {
    assert.equal(err.code, 'TOR_OFFLINE');
    assert.match(err.message, /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    return true;
  });
  assert.deepEqual(readdirSync(resources), []);

  const pinFile = join(work, 'pins.json');
  writeFileSync(pinFile, JSON.stringify(pins(sum, closed)));
  const cli = fileURLToPath(new URL('./fetch-tor.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--pins', pinFile, '--target', 'linux-x64', '--resources', resources], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 1);
  assert.match(stderr, /^fetch-tor: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. .*\[TOR_OFFLINE\]\n$/);
  assert.ok(!/\n\s+at /.test(stderr), 'no stack trace');
});
