// Sotto as a newcomer meets it: two console processes (profiles alice and bob, own folders) on the
// shared testbed (SOTTO_TESTBED), driven line by line over stdin. Real tor per profile, real
// registry through the gateways over Tor, real links: nothing is faked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../core/test-support.ts';

const root = new URL('../../../', import.meta.url).pathname;

class ConsoleProcess {
  readonly lines: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private waiters: { re: RegExp; since: number; resolve: (m: RegExpExecArray) => void }[] = [];
  private partial = '';

  constructor(readonly name: string, home: string, testbedPath: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main/console/cli.ts', '--profile', name, '--name', name, '--home', home], {
      cwd: root, stdio: ['pipe', 'pipe', 'pipe'], shell: false,
      env: { ...process.env, SOTTO_TESTBED: testbedPath, SOTTO_PASSPHRASE: `passphrase of ${name}` },
    });
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
    const onData = (chunk: Buffer): void => {
      this.partial += chunk.toString('utf8');
      let nl;
      while ((nl = this.partial.indexOf('\n')) >= 0) {
        const line = this.partial.slice(0, nl);
        this.partial = this.partial.slice(nl + 1);
        this.lines.push(line);
        if (process.env.SOTTO_DEBUG) process.stderr.write(`[${name}] ${line}\n`);
        this.waiters = this.waiters.filter((w) => {
          const m = w.re.exec(line);
          if (m && this.lines.length > w.since) { w.resolve(m); return false; }
          return true;
        });
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
  }

  get mark(): number { return this.lines.length; }

  /** The first line matching `re` printed after `since` (already or in the future). */
  waitFor(re: RegExp, timeoutMs = 60_000, since = this.mark): Promise<RegExpExecArray> {
    for (let i = since; i < this.lines.length; i++) {
      const m = re.exec(this.lines[i]!);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no line matching ${re} within ${timeoutMs} ms; output:\n${this.lines.join('\n')}`)), timeoutMs);
      this.waiters.push({ re, since, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  send(line: string): number {
    const mark = this.mark;
    this.child.stdin!.write(`${line}\n`);
    return mark;
  }

  /** Sends the command and waits for its answer line. */
  async ask(line: string, re: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return this.waitFor(re, timeoutMs, this.send(line));
  }

  async quit(timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.send('quit');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

test('two consoles: open invitation, confirm, both online, a message arrives, bad input keeps them running, quit is clean', async (t) => {
  const testbedPath = process.env.SOTTO_TESTBED;
  if (!testbedPath) throw new Error('SOTTO_TESTBED is not set: run through `npm run test:int`');
  const homes = await Promise.all(['alice', 'bob'].map((n) => mkdtemp(join(tmpdir(), `sotto-console-${n}-`))));
  const t0 = Date.now();
  const alice = new ConsoleProcess('alice', homes[0]!, testbedPath);
  const bob = new ConsoleProcess('bob', homes[1]!, testbedPath);
  t.after(async () => {
    for (const p of [alice, bob]) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
  });
  const ms = (): string => `${Date.now() - t0} ms`;

  await Promise.all([alice.waitFor(/^ready: alice/, 90_000, 0), bob.waitFor(/^ready: bob/, 90_000, 0)]);
  t.diagnostic(`both consoles ready (profile created, tor bootstrapped): ${ms()}`);
  assert.ok(existsSync(join(homes[0]!, 'profiles', 'alice', 'profile.lock')), 'the running console holds its profile');

  // Bad input: a coded error, and the console still answers.
  await alice.ask('frobnicate', /^error: unknown command .*\[UNKNOWN_COMMAND\]$/);
  await bob.ask('accept sotto://invite/v1#not-an-invitation', /^error: .*\[BAD_INPUT\]$/);
  await bob.ask('say alice too early', /^error: no contact "alice".*\[UNKNOWN_CONTACT\]$/);
  await alice.ask('whoami', /^contact code: [A-Z2-7-]+$/);

  // alice invites: link printed, QR (png, svg) and e-mail draft written into her profile folder.
  const invMark = alice.send('invite open');
  const id = (await alice.waitFor(/^invitation ([0-9a-f]{32}) \(open/, 30_000, invMark))[1]!;
  const link = (await alice.waitFor(/^link: (sotto:\/\/invite\/v[12]#\S+)$/, 30_000, invMark))[1]!;
  const files = (await alice.waitFor(/^qr: (\S+\.png) (\S+\.svg)$/, 30_000, invMark)).slice(1);
  const draft = (await alice.waitFor(/^e-mail draft: (\S+\.eml) /, 30_000, invMark))[1]!;
  for (const f of [...files, draft]) {
    assert.ok(f.startsWith(join(homes[0]!, 'profiles', 'alice')), `${f} is in the profile folder`);
    assert.ok((await stat(f)).size > 100, `${f} written`);
  }

  // bob accepts the link; alice is asked to confirm, confirms; both see each other online.
  const tAccept = Date.now();
  const aliceMark = alice.mark;
  await bob.ask(`accept ${link}`, /^accepted open invitation from alice .*contact pending/);
  await alice.waitFor(new RegExp(`^\\* invitation ${id} redeemed by bob \\(fingerprint [0-9 ]+\\)`), 90_000, aliceMark);
  t.diagnostic(`accept -> alice asked to confirm: ${Date.now() - tAccept} ms`);
  const confirmMark = alice.send(`confirm ${id.slice(0, 8)} bob`);
  await alice.waitFor(/^contact bob confirmed/, 30_000, confirmMark);
  await Promise.all([
    alice.waitFor(/^\* bob is online$/, 90_000, confirmMark),
    bob.waitFor(/^\* alice is online$/, 90_000, 0),
  ]);
  t.diagnostic(`accept -> both online after confirmation: ${Date.now() - tAccept} ms`);
  await alice.ask('contacts', /^bob {2}online {2}id [0-9a-f]{8}$/);
  // The invitation is finished: its QR and e-mail copies (they carry s) are gone.
  await until(() => [...files, draft].every((f) => !existsSync(f)), 10_000, 'invitation copies deleted');

  // bob says hi; alice prints it; bob learns it arrived.
  const tSay = Date.now();
  const sayMark = alice.mark;
  await bob.ask('say alice hi', /\] me: hi/);
  await alice.waitFor(/^\[\d\d:\d\d:\d\d\] bob: hi$/, 60_000, sayMark);
  t.diagnostic(`say -> printed by alice: ${Date.now() - tSay} ms`);
  await bob.waitFor(/(\] me: hi {2}\(delivered\)|^\* delivered to alice: "hi")$/, 30_000, 0);
  await alice.ask('history bob', /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] bob: hi$/);

  // bob quits: alice sees him go offline; both exit 0 and leave no profile lock behind.
  const tQuit = Date.now();
  const offMark = alice.mark;
  assert.equal(await bob.quit(), 0);
  t.diagnostic(`bob quit -> process exited: ${Date.now() - tQuit} ms`);
  await alice.waitFor(/^\* bob is offline$/, 60_000, offMark);
  t.diagnostic(`bob quit -> alice sees offline: ${Date.now() - tQuit} ms`);
  assert.equal(await alice.quit(), 0);
  for (const [p, home] of [[alice, homes[0]!], [bob, homes[1]!]] as const) {
    assert.equal(p.lines.at(-1), 'bye');
    assert.equal(existsSync(join(home, 'profiles', p.name, 'profile.lock')), false, `${p.name}: profile closed`);
  }
  t.diagnostic(`total ${ms()}`);
});
