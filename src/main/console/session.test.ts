// Two consoles as people use them (issue 9 items 4-7 and issue 10 item 5), in one process on
// loopback services (real cores, real store, real ContactLinks over TCP; no tor): the address
// book's verbs, names with spaces, delivery shown as it happens, one order of a conversation on
// both screens, user words instead of codes, and the invitation's QR/e-mail copies gone once it
// finished. The same console over the real testbed: console.int.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ready } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { systemClock } from '../core/clock.ts';
import { LoopbackNetwork } from '../core/loopback-services.ts';
import type { TestbedDescription } from '../../testbed/index.ts';
import { runConsole } from './console.ts';
import { parseConsoleOptions } from './options.ts';

const TIMINGS = { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 200 };

class Screen {
  readonly lines: string[] = [];
  readonly input = new PassThrough();
  readonly exit: Promise<number>;
  readonly dir: string;
  private partial = '';

  constructor(readonly name: string, home: string, net: LoopbackNetwork) {
    const options = parseConsoleOptions(['--profile', name, '--name', name, '--home', home], { SOTTO_PASSPHRASE: `passphrase of ${name}` }, home);
    this.dir = options.profileDir;
    const output = new PassThrough();
    output.on('data', (c: Buffer) => {
      this.partial += c.toString('utf8');
      let nl;
      while ((nl = this.partial.indexOf('\n')) >= 0) { this.lines.push(this.partial.slice(0, nl)); this.partial = this.partial.slice(nl + 1); }
    });
    const description: TestbedDescription = {
      version: 1, createdAt: 'x', dir: '/tmp/x', tor: { clientTorrc: [] }, dht: { bootstrap: [] },
      gateways: [{ name: 'gw', url: 'http://127.0.0.1:1', onion: `${'a'.repeat(56)}.onion:80` }],
    };
    this.exit = runConsole({
      options, input: this.input, output, interactive: false, kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS,
      attach: async () => ({ description, descriptionPath: 'loopback', owned: true, stop: async () => {} }),
      services: () => net.services({ clock: systemClock }),
    });
  }

  get mark(): number { return this.lines.length; }

  /** The first line matching `re` printed after `since`, waiting up to `ms`. */
  async waitFor(re: RegExp, since = 0, ms = 10_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (const line of this.lines.slice(since)) { const m = re.exec(line); if (m) return m; }
      if (Date.now() > deadline) throw new Error(`${this.name}: no line matching ${re} within ${ms} ms:\n${this.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  send(line: string): number { const m = this.mark; this.input.write(`${line}\n`); return m; }
  ask(line: string, re: RegExp, ms?: number): Promise<RegExpExecArray> { return this.waitFor(re, this.send(line), ms); }
  linesSince(mark: number): string[] { return this.lines.slice(mark); }
}

test('two consoles: names with spaces, the address book verbs, delivery, one order on both screens, no codes on screen', async (t) => {
  await ready();
  const home = await mkdtemp(join(tmpdir(), 'sotto-console-session-'));
  const net = new LoopbackNetwork();
  const alice = new Screen('alice', home, net);
  const bob = new Screen('bob', home, net);
  t.after(async () => {
    for (const s of [alice, bob]) s.input.end();
    await Promise.allSettled([alice.exit, bob.exit]);
    await rm(home, { recursive: true, force: true });
  });
  await Promise.all([alice.waitFor(/^ready: alice/), bob.waitFor(/^ready: bob/)]);
  const bobCode = (await bob.ask('whoami', /^contact code: (\S+)$/))[1]!;

  // A nickname with a space, quoted as help says: stored without the quotes, and every verb finds it.
  const invMark = alice.send(`invite sealed ${bobCode} "Bob B"`);
  const link = (await alice.waitFor(/^link: (sotto:\S+)$/, invMark))[1]!;
  await bob.ask(`accept ${link}`, /^accepted sealed invitation from alice/);
  await alice.waitFor(/^\* Bob B is online$/, invMark);
  await alice.ask('contacts', /^Bob B {2}online {2}id [0-9a-f]{8}$/);

  // Delivery: the line says what happened, and a delivered notice follows when it had not yet.
  const sayMark = alice.send('say "Bob B" hello there');
  // On an open link the ack comes within the short wait: the one line says delivered.
  await alice.waitFor(/\] me: hello there {2}\(delivered\)$/, sayMark);
  await bob.waitFor(/^\[\d\d:\d\d:\d\d\] alice: hello there$/);
  await alice.ask('history "Bob B"', /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] me: hello there {2}\(delivered\)$/);

  // One order on both screens: two messages crossing each other.
  alice.send('say "Bob B" crossing from alice');
  bob.send('say alice crossing from bob');
  await Promise.all([alice.waitFor(/Bob B: crossing from bob$/), bob.waitFor(/alice: crossing from alice$/)]);
  const order = async (s: Screen, who: string): Promise<string[]> => {
    const m = s.send(`history ${who}`);
    await s.waitFor(/crossing from (alice|bob)/, m);
    await new Promise((r) => setTimeout(r, 200));
    return s.linesSince(m).filter((l) => /^\[\d{4}-/.test(l) && l.includes('crossing from')).map((l) => /crossing from \w+/.exec(l)![0]);
  };
  const [seenByAlice, seenByBob] = [await order(alice, '"Bob B"'), await order(bob, 'alice')];
  assert.equal(seenByAlice.length, 2);
  assert.deepEqual(seenByAlice, seenByBob, 'the same order on both sides');

  // The address book's verbs, all through the quoted name.
  await alice.ask('rename "Bob B" "Bobby Tables"', /^renamed to Bobby Tables$/);
  const details = alice.send('show "Bobby Tables"');
  await alice.waitFor(/^ {2}safety number [0-9 ]+ \(not verified/, details);
  await alice.ask('verify "Bobby Tables"', /^Bobby Tables marked verified \(safety number [0-9 ]+\)$/);
  await alice.ask('receipts "Bobby Tables" on', /^read receipts on for Bobby Tables$/);
  await alice.ask('typing "Bobby Tables" on', /^typing indicators on for Bobby Tables$/);
  await alice.ask('show "Bobby Tables"', /read receipts on; typing indicators on/);
  const blockMark = bob.mark;
  await alice.ask('block "Bobby Tables"', /^Bobby Tables blocked/);
  await bob.waitFor(/^\* alice is offline$/, blockMark);
  await alice.ask('unblock "Bobby Tables"', /^Bobby Tables unblocked$/);
  await bob.waitFor(/^\* alice is online$/, blockMark);

  // No developer words on either screen: no codes in brackets after "!" lines.
  for (const s of [alice, bob]) {
    // (An invitation link is random base64url and may hold "0x.." by chance: not a code.)
    const codes = s.lines.filter((l) => /^! \[[A-Z_]+\]/.test(l) || /SOCKS|0x[0-9a-f]{2}/i.test(l.replace(/sotto:\/\/\S+/g, '')));
    assert.deepEqual(codes, [], `${s.name} shows developer words`);
  }

  // Delete: gone from the list, with the conversation.
  await alice.ask('delete "Bobby Tables"', /^Bobby Tables deleted with the whole conversation$/);
  await alice.ask('contacts', /^no contacts yet/);
});

test('console: an invitation\'s QR and e-mail copies are deleted when it finishes; no "To: null" line', async (t) => {
  await ready();
  const home = await mkdtemp(join(tmpdir(), 'sotto-console-files-'));
  const net = new LoopbackNetwork();
  const alice = new Screen('alice', home, net);
  t.after(async () => { alice.input.end(); await alice.exit.catch(() => 1); await rm(home, { recursive: true, force: true }); });
  await alice.waitFor(/^ready: alice/);
  const m = alice.send('invite open');
  const id = (await alice.waitFor(/^invitation ([0-9a-f]{32}) \(open/, m))[1]!;
  const eml = (await alice.waitFor(/^e-mail draft: (\S+\.eml)/, m))[1]!;
  const dir = join(alice.dir, 'invitations');
  assert.deepEqual((await readdir(dir)).sort(), [`${id}.eml`, `${id}.png`, `${id}.svg`]);
  const draft = await readFile(eml, 'utf8');
  assert.doesNotMatch(draft, /^To:/m, 'no recipient line when no address was given');
  assert.match(draft, /^Subject: alice invites you/m);
  await alice.ask(`cancel ${id.slice(0, 8)}`, new RegExp(`^invitation ${id} cancelled$`));
  const deadline = Date.now() + 5_000;
  while ((await readdir(dir)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await readdir(dir), [], 'the copies carrying the link are gone');
  assert.equal(existsSync(eml), false);
});
