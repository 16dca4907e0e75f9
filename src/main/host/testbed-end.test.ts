// The end of a testbed another process owns reaches the desktop host's windows (issue 9 item 8):
// the owner here is a real child process serving the gateways' health endpoint, named by a real
// description file; it is killed (as a quitting or crashing owner is) and the profile host must
// tell its windows in user words, with the code in its log, within a few health checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestbedDescription } from '../../testbed/index.ts';
import type { SottoEvent } from '../../ipc/index.ts';
import { openProfileHost } from './profile-host.ts';

/** A gateway's /v1/health in its own process, as the owning console's gateways are. */
const OWNER = `
const server = require('node:http').createServer((req, res) => { res.writeHead(req.url === '/v1/health' ? 200 : 404); res.end(); });
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

test('the host tells its windows when the process owning the testbed quits', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-testbed-end-'));
  const owner = spawn(process.execPath, ['-e', OWNER], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(async () => {
    if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  const [chunk] = await once(owner.stdout, 'data') as [Buffer];
  const url = `http://127.0.0.1:${Number(chunk.toString().trim())}`;
  const description: TestbedDescription = {
    version: 1, createdAt: new Date().toISOString(), dir,
    tor: { clientTorrc: ['TestingTorNetwork 1', 'DirAuthority a 127.0.0.1:1 0000'] },
    dht: { bootstrap: ['127.0.0.1:1'] },
    gateways: [{ name: 'gw0', url, onion: `${'a'.repeat(55)}d.onion:80` }],
  };
  const path = join(dir, 'testbed.json');
  await writeFile(path, JSON.stringify(description));

  const logs: string[] = [];
  const host = openProfileHost({
    profileDir: join(dir, 'profile'), testbedPath: path, defaultTestbedPath: join(dir, 'unused.json'), log: (line) => logs.push(line),
    actions: { openExternal: async () => undefined, openSession: async (id) => ({ route: id, opened: false }) },
    testbedWatchMs: 250,
  });
  t.after(() => host.close());
  const told: { event: SottoEvent; at: number }[] = [];
  host.handler.onEvent((event) => { if (event.type === 'warning') told.push({ event, at: Date.now() }); });

  const until = async (what: string, ok: () => boolean, ms = 20_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; log: ${logs.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until('the host attached the testbed', () => logs.some((l) => l.startsWith(`testbed: ${path}`)));
  assert.equal(told.length, 0, 'a live testbed is not reported');

  const killedAt = Date.now();
  owner.kill('SIGKILL');
  await until('the windows are told', () => told.length > 0);
  const { event, at } = told[0]!;
  assert.ok(event.type === 'warning');
  assert.equal(event.code, 'TESTBED_GONE');
  assert.match(event.message, /local test network has stopped/);
  assert.doesNotMatch(event.message, /TESTBED_GONE|127\.0\.0\.1|gateway/, 'user words, no codes or addresses');
  assert.ok(logs.some((l) => l.includes('TESTBED_GONE') && l.includes(url)), 'the code and the gateway go to the log');
  t.diagnostic(`owner killed -> windows told after ${at - killedAt} ms (health check every 250 ms)`);
});
