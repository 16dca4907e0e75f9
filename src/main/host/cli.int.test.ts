// `npm run host` as a process on the shared testbed: the url line comes first, a window creates a
// profile over the WebSocket (real tor on the testbed), SIGTERM stops it with exit 0, and the
// token is nowhere in its diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const root = new URL('../../../', import.meta.url).pathname;

test('the host CLI: url line, a profile over the bridge, clean stop on SIGTERM', async (t) => {
  const testbed = process.env.SOTTO_TESTBED;
  if (!testbed) throw new Error('SOTTO_TESTBED is not set: run through `npm run test:int`');
  const dir = await mkdtemp(join(tmpdir(), 'sotto-host-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/host/cli.ts', '--profile', join(dir, 'p'), '--testbed', testbed, '--no-open'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISPLAY: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });

  const deadline = Date.now() + 60_000;
  while (!/^url: /m.test(stdout) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  const line = /^url: (\S+)$/m.exec(stdout);
  assert.ok(line, `no url line; stderr: ${stderr.slice(0, 2000)}`);
  const url = new URL(line[1]!);
  const token = url.hash.slice('#t='.length);
  assert.match(token, /^[0-9a-f]{64}$/);

  const ws = new WebSocket(`ws://127.0.0.1:${url.port}/ipc`, { headers: { origin: url.origin } });
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  ws.send(JSON.stringify({ type: 'auth', token }));
  const answer = new Promise<{ result: { ok: boolean; value?: { displayName?: string } } }>((resolve) => {
    ws.on('message', (d) => { const m = JSON.parse(d.toString()); if (m.type === 'result' && m.id === 1) resolve(m); });
  });
  ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'createProfile', input: { displayName: 'Ana', passphrase: 'correct horse battery' } }));
  const created = await answer;
  assert.equal(created.result.ok, true, JSON.stringify(created));
  assert.equal(created.result.value?.displayName, 'Ana');
  ws.close();

  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(stderr.includes(token), false, 'the token is never in a log line');
  assert.equal(stdout.split('\n').filter((l) => l.includes(token)).length, 1, 'only the url line carries it');
});
