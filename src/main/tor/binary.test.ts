import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { findTorBinary } from './binary.ts';
import { TorError } from './errors.ts';

function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

const root = mkdtempSync(join(tmpdir(), 'sotto-bin-'));
const configured = executable(join(root, 'custom', 'tor'));
const resources = join(root, 'resources');
const bundled = executable(join(resources, 'tor', 'linux-x64', 'tor'));
const onPath = executable(join(root, 'bin', 'tor'));
const base = { platform: 'linux' as const, arch: 'x64', pathEnv: `/nonexistent:${join(root, 'bin')}` };

test('order: configured, then bundled, then PATH', async () => {
  assert.equal(await findTorBinary({ ...base, configured, resourcesDir: resources }), configured);
  assert.equal(await findTorBinary({ ...base, resourcesDir: resources }), bundled);
  assert.equal(await findTorBinary({ ...base, configured: join(root, 'missing'), resourcesDir: join(root, 'none') }), onPath);
});

test('a file that is not executable, or a directory, is skipped', async () => {
  const plain = join(root, 'plain', 'tor');
  mkdirSync(join(root, 'plain'));
  writeFileSync(plain, 'not a program');
  chmodSync(plain, 0o644);
  assert.equal(await findTorBinary({ ...base, configured: plain }), onPath);
  assert.equal(await findTorBinary({ ...base, configured: join(root, 'custom') }), onPath);
});

test('NO_TOR_BINARY lists every place it looked', async () => {
  await assert.rejects(findTorBinary({ platform: 'linux', arch: 'arm64', configured: '/x/tor', resourcesDir: '/r', pathEnv: '/a:/b' }), (err: TorError) => {
    assert.equal(err.code, 'NO_TOR_BINARY');
    for (const p of ['/x/tor', '/r/tor/linux-arm64/tor', '/a/tor', '/b/tor']) assert.ok(err.message.includes(p), p);
    return true;
  });
  await assert.rejects(findTorBinary({ platform: 'linux', arch: 'x64', pathEnv: undefined }), (err: TorError) => err.code === 'NO_TOR_BINARY');
});

test('a packaged build never takes tor from PATH', async () => {
  assert.equal(await findTorBinary({ ...base, packaged: true, configured, resourcesDir: resources }), configured);
  assert.equal(await findTorBinary({ ...base, packaged: true, resourcesDir: resources }), bundled);
  await assert.rejects(findTorBinary({ ...base, packaged: true, resourcesDir: join(root, 'none') }), (err: TorError) => {
    assert.equal(err.code, 'NO_TOR_BINARY');
    assert.ok(!err.message.includes(onPath), 'PATH was not searched');
    return true;
  });
  await assert.rejects(findTorBinary({ ...base, packaged: true }), (err: TorError) => err.code === 'NO_TOR_BINARY');
  // The same options unpackaged do find it on PATH: the refusal above is the packaged rule.
  assert.equal(await findTorBinary({ ...base, packaged: false, resourcesDir: join(root, 'none') }), onPath);
});

test('relative PATH entries are skipped (a tor planted in the working directory)', async () => {
  const planted = executable(join(root, 'cwd', 'tor'));
  const cwd = process.cwd();
  process.chdir(join(root, 'cwd'));
  try {
    await assert.rejects(findTorBinary({ platform: 'linux', arch: 'x64', pathEnv: '.:bin' }), (err: TorError) => err.code === 'NO_TOR_BINARY');
    assert.equal(await findTorBinary({ platform: 'linux', arch: 'x64', pathEnv: `.:${join(root, 'cwd')}` }), planted);
  } finally {
    process.chdir(cwd);
  }
});
