// The console without a Tor network: testbed discovery against loopback HTTP servers of the test's
// own, and the profile prompts (a wrong passphrase fails before any network is needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createProfile, KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import type { TestbedDescription } from '../../testbed/index.ts';
import { runConsole } from './console.ts';
import { parseConsoleOptions } from './options.ts';
import { attachTestbed, watchTestbed } from './testbed-host.ts';
import { ConsoleError } from './errors.ts';

async function healthServer(status: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => { res.statusCode = req.url === '/v1/health' ? status : 404; res.end('{}'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function description(urls: string[]): TestbedDescription {
  return {
    version: 1, createdAt: new Date().toISOString(), dir: '/tmp/x',
    tor: { clientTorrc: ['TestingTorNetwork 1', 'DirAuthority a 127.0.0.1:1 0000'] },
    dht: { bootstrap: ['127.0.0.1:1'] },
    gateways: urls.map((url, i) => ({ name: `gw${i}`, url, onion: `${'a'.repeat(55)}d.onion:80` })),
  };
}

test('testbed: a live description is reused, a stale one replaced, an explicit dead one refused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-console-'));
  const live = await healthServer(200);
  const sick = await healthServer(503);
  t.after(async () => { live.server.close(); sick.server.close(); await rm(dir, { recursive: true, force: true }); });
  const path = join(dir, 'testbed.json');
  const logs: string[] = [];
  let starts = 0;
  const start = async () => { starts++; throw new Error('no network in a unit test'); };

  await writeFile(path, JSON.stringify(description([live.url])));
  const reused = await attachTestbed({ defaultPath: path, log: (l) => logs.push(l), start });
  assert.equal(reused.owned, false);
  assert.equal(starts, 0);
  assert.equal(reused.description.gateways[0]!.url, live.url);

  // One gateway answering 503, one closed port: stale -> a new one is started (here: fails, coded).
  await writeFile(path, JSON.stringify(description([sick.url, `http://127.0.0.1:${await freePort()}`])));
  await assert.rejects(attachTestbed({ defaultPath: path, log: (l) => logs.push(l), start, probeTimeoutMs: 500 }),
    (e: unknown) => e instanceof ConsoleError && e.code === 'TESTBED_UNAVAILABLE');
  assert.equal(starts, 1);
  assert.ok(logs.some((l) => l.includes('stale')));

  // Explicit path (SOTTO_TESTBED): never replaced.
  await assert.rejects(attachTestbed({ explicitPath: path, defaultPath: path, log: () => {}, start, probeTimeoutMs: 500 }),
    (e: unknown) => e instanceof ConsoleError && e.code === 'TESTBED_UNAVAILABLE' && /does not answer/.test(e.message));
  await assert.rejects(attachTestbed({ explicitPath: join(dir, 'missing.json'), defaultPath: path, log: () => {}, start }),
    (e: unknown) => e instanceof ConsoleError && e.code === 'TESTBED_UNAVAILABLE');
  assert.equal(starts, 1);
});

test('testbed: without tor on PATH the start says how to install it and leaves no .testbed/ behind', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-console-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  // Only tor, no tor-gencert: each program is checked.
  await writeFile(join(bin, 'tor'), '#!/bin/sh\n', { mode: 0o755 });
  for (const [pathEnv, missing] of [['', 'tor and tor-gencert'], [bin, 'tor-gencert']] as const) {
    await assert.rejects(attachTestbed({ defaultPath: join(dir, '.testbed', 'testbed.json'), log: () => {}, pathEnv }),
      (e: unknown) => e instanceof ConsoleError && e.code === 'TESTBED_UNAVAILABLE'
        && e.message.includes(`(${missing} not found)`) && e.message.includes('bash scripts/setup.sh'));
  }
  assert.equal(existsSync(join(dir, '.testbed')), false, 'nothing written');
});

test('testbed: two consoles starting at once share one testbed (start lock), a dead holder\'s lock is taken over', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-console-'));
  const live = await healthServer(200);
  t.after(async () => { live.server.close(); await rm(dir, { recursive: true, force: true }); });
  const path = join(dir, 'testbed.json');
  let starts = 0;
  const start = async () => { starts++; throw new Error('no network in a unit test'); };

  // A live process (our parent) is "starting" one: we wait, then use what it wrote.
  await writeFile(`${path}.lock`, `${process.ppid}\n`);
  const logs: string[] = [];
  setTimeout(() => { void writeFile(path, JSON.stringify(description([live.url]))); }, 300);
  const t0 = Date.now();
  const shared = await attachTestbed({ defaultPath: path, log: (l) => logs.push(l), start, pollMs: 50, waitForOtherMs: 10_000 });
  assert.equal(shared.owned, false);
  assert.equal(starts, 0, 'no second testbed');
  assert.ok(Date.now() - t0 >= 250);
  assert.ok(logs.some((l) => l.includes('another console is starting')));
  // Waiting is bounded.
  await rm(path);
  await assert.rejects(attachTestbed({ defaultPath: path, log: () => {}, start, pollMs: 50, waitForOtherMs: 200 }),
    (e: unknown) => e instanceof ConsoleError && e.code === 'TESTBED_UNAVAILABLE' && /too long/.test(e.message));

  // The holder died while starting: its lock is taken over, we start one, the lock is released.
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => dead.once('exit', r));
  await writeFile(`${path}.lock`, `${dead.pid}\n`);
  await assert.rejects(attachTestbed({ defaultPath: path, log: () => {}, start, pollMs: 50 }),
    (e: unknown) => e instanceof ConsoleError && e.code === 'TESTBED_UNAVAILABLE' && /failed to start/.test(e.message));
  assert.equal(starts, 1);
  assert.equal(existsSync(`${path}.lock`), false, 'lock released after a failed start');
});

test('console: wrong passphrases print a coded error and ask again; end of input exits 1', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-console-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const options = parseConsoleOptions(['--profile', 'alice', '--home', dir], { SOTTO_PASSPHRASE: 'not it' }, dir);
  const store = await createProfile(options.profileDir, { name: 'alice', passphrase: 'right one', kdf: KDF_MINIMAL_FOR_TESTS });
  store.lock();

  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  let servicesBuilt = 0;
  const run = runConsole({
    options, input, output, interactive: false,
    attach: async () => ({ description: description(['http://127.0.0.1:1']), descriptionPath: 'x', owned: false, stop: async () => {} }),
    services: () => { servicesBuilt++; return async () => { throw new Error('unreachable: unlock must fail first'); }; },
  });
  input.write('still wrong\n');
  input.end();
  const exit = await run;
  assert.equal(exit, 1);
  const errors = text.split('\n').filter((l) => /^error: wrong passphrase.*\[WRONG_PASSPHRASE\]$/.test(l));
  assert.equal(errors.length, 2, `env passphrase, then the one typed on stdin:\n${text}`);
  assert.equal(servicesBuilt, 1, 'services factory made once, never started');
  assert.match(text, /bye\n$/);
});

/** Runs a console with no input and no network to its end: what it printed and its exit code. */
async function runWithoutInput(options: ReturnType<typeof parseConsoleOptions>): Promise<{ exit: number; text: string }> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  const input = new PassThrough();
  input.end();
  const exit = await runConsole({
    options, input, output, interactive: false,
    attach: async () => ({ description: description(['http://127.0.0.1:1']), descriptionPath: 'x', owned: false, stop: async () => {} }),
    services: () => async () => { throw new Error('unreachable: the profile step fails first'); },
  });
  return { exit, text };
}

test('console: a passphrase file that cannot be read is a coded error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-console-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { exit, text } = await runWithoutInput(parseConsoleOptions(['--home', dir, '--passphrase-file', join(dir, 'nope'), '--name', 'x'], {}, dir));
  assert.equal(exit, 1);
  assert.match(text, /^error: cannot read .*\[FILE_UNREADABLE\]$/m);
});

test('console: a new passphrase shows its strength; a weak one is refused (WEAK_PASSPHRASE) and no profile is made', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-console-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const options = parseConsoleOptions(['--profile', 'alice', '--name', 'alice', '--home', dir], { SOTTO_PASSPHRASE: 'alice123' }, dir);
  const { exit, text } = await runWithoutInput(options);
  assert.equal(exit, 1);
  assert.match(text, /^passphrase strength: (very weak|weak) \(.+\)$/m);
  assert.match(text, /^error: this passphrase is too easy to guess.*\[WEAK_PASSPHRASE\]$/m);
  assert.equal(existsSync(join(options.profileDir, 'sotto.db')), false, 'nothing was created');
});

test('testbed watch: consoles that did not start the testbed are told within a few checks when it goes away', async () => {
  const live = await healthServer(200);
  let gone = 0;
  const stop = watchTestbed(description([live.url]), { intervalMs: 50, probeTimeoutMs: 200, onGone: () => { gone++; } });
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(gone, 0, 'a live testbed is not reported');
    const closedAt = Date.now();
    await new Promise<void>((r) => { live.server.closeAllConnections(); live.server.close(() => r()); });
    const deadline = Date.now() + 5_000;
    while (gone === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(gone, 1, `told within ${Date.now() - closedAt} ms`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(gone, 1, 'told once');
  } finally {
    stop();
  }
});
