// TorProcess against the real tor binary. No Tor network: tor either keeps DisableNetwork 1, or
// is pointed at a dead directory authority on 127.0.0.1 so the only traffic it makes is loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { TorProcess, type CrashInfo } from './process.ts';
import { findTorBinary } from './binary.ts';
import { TorError } from './errors.ts';
import type { TorControl } from './control.ts';
import type { BootstrapStatus } from './bootstrap.ts';

const torPath = await findTorBinary({ platform: process.platform, arch: process.arch, pathEnv: process.env.PATH });

// A directory authority that does not exist, on loopback: tor tries 127.0.0.1:1 and nothing else.
const DEAD_AUTHORITY = [
  'TestingTorNetwork 1',
  'DirAuthority nowhere orport=1 no-v2 v3ident=0000000000000000000000000000000000000001 127.0.0.1:2 0000 0000 0000 0000 0000 0000 0000 0000 0000 0002',
];

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function dataDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'sotto-torproc-')), 'tor');
}

test('starts tor without network, authenticates, reports bootstrap, and stop() reaps it', async (t) => {
  const dir = dataDir();
  const tor = new TorProcess({ torPath, dataDir: dir, startWithNetworkDisabled: true });
  t.after(() => tor.stop());
  await tor.start();
  const pid = tor.pid;
  assert.ok(alive(pid));
  assert.equal(tor.bootstrap.progress, 0);
  assert.equal(tor.socksPort, null); // DisableNetwork 1: tor opens no SOCKS listener
  const info = await tor.control.getInfo(['version', 'config-file', 'config-defaults-file']);
  assert.match(info.get('version') ?? '', /^0\.4\./);
  // Our torrc and an empty defaults file, never /etc/tor/torrc.
  assert.equal(info.get('config-file'), join(dir, 'torrc'));
  assert.equal(info.get('config-defaults-file'), join(dir, 'torrc-defaults'));
  // The circuit window tor really runs with (tor raises a dirtiness under 10 s to 10): tor's
  // RSS follows how many single-use registry circuits it holds at once (src/main/tor/torrc.ts).
  const window = await tor.control.command('GETCONF MaxCircuitDirtiness NewCircuitPeriod');
  assert.deepEqual(window.lines.map((l) => l.text), ['MaxCircuitDirtiness=10', 'NewCircuitPeriod=10']);
  await tor.stop();
  assert.ok(!alive(pid));
  assert.throws(() => tor.control, (err: TorError) => err.code === 'TOR_STOPPED');
});

test('enableNetwork opens the SOCKS port with ExtendedErrors and bootstrap events flow', async (t) => {
  const tor = new TorProcess({ torPath, dataDir: dataDir(), startWithNetworkDisabled: true, extraTorrc: DEAD_AUTHORITY });
  t.after(() => tor.stop());
  const seen: BootstrapStatus[] = [];
  tor.on('bootstrap', (s) => seen.push(s));
  await tor.start();
  const connecting = new Promise<void>((r) => tor.on('bootstrap', (s) => s.tag === 'conn' && s.warning !== undefined && r()));
  await tor.enableNetwork();
  assert.ok(typeof tor.socksPort === 'number' && tor.socksPort > 0);
  const conf = (await tor.control.command('GETCONF SocksPort')).lines[0]?.text ?? '';
  assert.match(conf, /ExtendedErrors/);
  // Bootstrap cannot finish (the authority is dead): waitBootstrapped must honour its signal.
  await assert.rejects(tor.waitBootstrapped(AbortSignal.timeout(300)), (err: TorError) => err.code === 'ABORTED');
  // STATUS_CLIENT events: "5% conn", then a WARN BOOTSTRAP for the refused connection.
  await connecting;
  assert.deepEqual(seen[0], { progress: 0, tag: 'starting', summary: 'Starting' });
  assert.ok(seen.some((s) => s.progress === 5 && s.tag === 'conn' && s.warning === undefined));
});

test('DataDirectory is kept between runs and the torrc is rewritten each start', async (t) => {
  const dir = dataDir();
  const first = new TorProcess({ torPath, dataDir: dir, startWithNetworkDisabled: true });
  t.after(() => first.stop());
  await first.start();
  await first.stop();
  assert.ok(existsSync(join(dir, 'state')));
  const second = new TorProcess({ torPath, dataDir: dir, startWithNetworkDisabled: true, extraTorrc: ['ConnectionPadding 0'] });
  t.after(() => second.stop());
  await second.start();
  assert.match(readFileSync(join(dir, 'torrc'), 'utf8'), /^ConnectionPadding 0$/m);
  assert.match(readFileSync(join(dir, 'torrc'), 'utf8'), new RegExp(`^__OwningControllerProcess ${process.pid}$`, 'm'));
  await second.stop();
});

test('kill -9 is detected as a crash and tor is restarted with a new control connection', async (t) => {
  const tor = new TorProcess({ torPath, dataDir: dataDir(), startWithNetworkDisabled: true, restartBackoffsMs: [20] });
  t.after(() => tor.stop());
  await tor.start();
  const firstPid = tor.pid!;
  const firstControl = tor.control;
  const crashed = once(tor, 'crashed') as Promise<[CrashInfo]>;
  const restarted = once(tor, 'restarted') as Promise<[TorControl]>;
  process.kill(firstPid, 'SIGKILL');
  const [info] = await crashed;
  assert.equal(info.signal, 'SIGKILL');
  const [control] = await restarted;
  assert.notEqual(control, firstControl);
  assert.ok(firstControl.closed);
  assert.notEqual(tor.pid, firstPid);
  assert.ok(alive(tor.pid));
  assert.ok((await control.getInfo(['version'])).get('version'));
  const pid = tor.pid;
  await tor.stop();
  assert.ok(!alive(pid));
});

test('restarts that keep failing end in a failed event, not a loop', async (t) => {
  const tor = new TorProcess({ torPath, dataDir: dataDir(), startWithNetworkDisabled: true, restartBackoffsMs: [10], maxRestartAttempts: 2 });
  t.after(() => tor.stop());
  await tor.start();
  // Make every restart fail: the binary vanishes.
  (tor as unknown as { opts: { torPath: string } }).opts.torPath = '/nonexistent/tor';
  const failed = once(tor, 'failed') as Promise<[TorError]>;
  process.kill(tor.pid!, 'SIGKILL');
  const [err] = await failed;
  assert.equal(err.code, 'TOR_START_FAILED');
});

test('a missing binary is a clear TOR_START_FAILED', async () => {
  const tor = new TorProcess({ torPath: '/nonexistent/tor', dataDir: dataDir() });
  await assert.rejects(tor.start(), (err: TorError) => err.code === 'TOR_START_FAILED' && /\/nonexistent\/tor/.test(err.message));
});

test('tor exiting at start gives TOR_START_FAILED with its last log lines', async () => {
  const tor = new TorProcess({ torPath, dataDir: dataDir(), extraTorrc: ['NoSuchTorOption 1'] });
  await assert.rejects(tor.start(), (err: TorError) => {
    assert.equal(err.code, 'TOR_START_FAILED');
    assert.match(err.message, /NoSuchTorOption/);
    return true;
  });
  assert.ok(!alive(tor.pid));
});

test('torrc lines with a line break are refused', async () => {
  const tor = new TorProcess({ torPath, dataDir: dataDir(), extraTorrc: ['Log notice stdout\nControlPort 0.0.0.0:9051'] });
  await assert.rejects(tor.start(), (err: TorError) => err.code === 'BAD_INPUT');
});
