import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import NoiseSecretStream from '@hyperswarm/secret-stream';
import { decodeFrame, encodeFrame, toHex, type Frame, type MessageFrame } from '../../protocol/index.ts';
import { ContactLink } from './contact-link.ts';
import { LinkError } from './errors.ts';
import { closedWith, identity, linkPair, opened, tcpPair } from './test-support.ts';

const alice = await identity(1);
const bob = await identity(2);
const carol = await identity(3);

const id = (n: number): Uint8Array => new Uint8Array(16).fill(n);

test('handshake: both sides authenticate, exchange hello and negotiate version and capabilities', async () => {
  const { a, b } = await linkPair(
    { identity: alice, expectedPeer: bob.publicKey, hello: { displayName: 'Alice', capabilities: ['receipts', 'typing', 'sessions'] } },
    { identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob', capabilities: ['sessions', 'receipts'], maxVersion: 3 } },
  );
  const [infoA, infoB] = await Promise.all([opened(a), opened(b)]) as [{ peer: Uint8Array; version: number; capabilities: string[] }, { peer: Uint8Array; capabilities: string[] }];
  assert.deepEqual(infoA.peer, bob.publicKey);
  assert.deepEqual(infoB.peer, alice.publicKey);
  assert.equal(infoA.version, 1);
  assert.deepEqual(infoA.capabilities, ['receipts', 'sessions']); // ours, in our order, both have
  assert.deepEqual(infoB.capabilities, ['sessions', 'receipts']);
  assert.equal(a.peerHello?.displayName, 'Bob');
  assert.equal(a.sessionId, b.sessionId, 'one Noise session, one handshake hash');
  await a.close();
  const infoClose = await closedWith(b);
  assert.equal(infoClose.code, 'LINK_REMOTE_BYE');
  assert.equal(infoClose.reason, 'normal');
  await Promise.all([a.closed, b.closed]);
});

test('frames round-trip both ways, in order, with back-pressure on large sends', async () => {
  const { a, b } = await linkPair(
    { identity: alice, expectedPeer: bob.publicKey, hello: { displayName: 'Alice' } },
    { identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' } },
  );
  await Promise.all([opened(a), opened(b)]);
  const fromA: Frame[] = [];
  const fromB: Frame[] = [];
  b.on('frame', (f) => fromA.push(f));
  a.on('frame', (f) => fromB.push(f));
  const typed: string[] = [];
  b.on('message', (m) => typed.push(`message:${m.body.slice(0, 5)}`));
  b.on('presence', (p) => typed.push(`presence:${p.state}`));

  const script: Frame[] = [
    { type: 'presence', state: 'away', text: 'lunch 🍜' },
    { type: 'message', id: id(1), conversationId: id(9), sentAt: 1_700_000_000_000, body: 'hello Bob' },
    { type: 'typing', conversationId: id(9), active: true },
    { type: 'receipt', messageId: id(7), kind: 'read', at: 1_700_000_000_500 },
    { type: 'session', kind: 'ticket', payload: Uint8Array.of(1, 2, 3) },
  ];
  for (const f of script) await a.send(f);
  await b.send({ type: 'ack', messageId: id(1) });

  // 64 bodies of 16 KiB: the stream's buffer fills, so some sends must wait for 'drain'.
  const big = (n: number): MessageFrame => ({ type: 'message', id: id(n), conversationId: id(9), sentAt: n, body: String.fromCharCode(0x41 + (n % 26)).repeat(16 * 1024) });
  let waited = 0;
  for (let n = 0; n < 64; n++) {
    const p = a.send(big(n));
    let settled = false;
    void p.then(() => { settled = true; });
    await Promise.resolve();
    if (!settled) waited++;
    await p;
  }
  assert.ok(waited > 0, 'no send ever waited for drain');
  while (fromA.length < script.length + 64) await once(b, 'frame');
  assert.deepEqual(fromA.slice(0, script.length), script);
  assert.deepEqual(fromA.slice(script.length), Array.from({ length: 64 }, (_, n) => big(n)));
  assert.deepEqual(typed.slice(0, 2), ['presence:away', 'message:hello']);
  while (fromB.length < 1) await once(a, 'frame');
  assert.deepEqual(fromB, [{ type: 'ack', messageId: id(1) }]);
  await a.close();
  await b.closed;
});

test('send refuses before open, after close, link-managed frames and unencodable frames', async () => {
  const { a, b } = await linkPair(
    { identity: alice, expectedPeer: bob.publicKey, hello: { displayName: 'Alice' } },
    { identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' } },
  );
  await assert.rejects(a.send({ type: 'ack', messageId: id(1) }), { code: 'LINK_NOT_OPEN' });
  await Promise.all([opened(a), opened(b)]);
  await assert.rejects(a.send({ type: 'hello', minVersion: 1, maxVersion: 1, capabilities: [], displayName: 'x' }), { code: 'LINK_PROTOCOL_VIOLATION' });
  await assert.rejects(a.send({ type: 'ack', messageId: id(1).subarray(1) }), { name: 'ProtocolError', code: 'BAD_LENGTH' });
  assert.equal(a.state, 'open', 'a bad outgoing frame is the caller\'s error, not a reason to drop the link');
  await a.close('shutdown');
  await assert.rejects(a.send({ type: 'ack', messageId: id(1) }), { code: 'LINK_CLOSED' });
  assert.equal((await closedWith(b)).reason, 'shutdown');
});

test('wrong identity: the dialer reaches someone else and closes with LINK_WRONG_PEER', async () => {
  const { a, b } = await linkPair(
    { identity: alice, expectedPeer: bob.publicKey, hello: { displayName: 'Alice' } },
    { identity: carol, expectedPeer: alice.publicKey, hello: { displayName: 'Carol' } },
  );
  const [ia, ib] = await Promise.all([closedWith(a), closedWith(b)]);
  assert.equal(ia.code, 'LINK_WRONG_PEER');
  assert.equal(ia.local, true);
  assert.ok(['LINK_REMOTE_CLOSED', 'LINK_HANDSHAKE_FAILED'].includes(ib.code), ib.code);
  assert.equal(a.peer, null, 'the wrong key is never adopted as the peer');
  assert.equal(b.state, 'closed');
});

test('wrong identity: the listener refuses a dialer that is not its contact', async () => {
  const { a, b } = await linkPair(
    { identity: carol, expectedPeer: bob.publicKey, hello: { displayName: 'Carol' } },
    { identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' } },
  );
  const [ia, ib] = await Promise.all([closedWith(a), closedWith(b)]);
  assert.equal(ib.code, 'LINK_WRONG_PEER');
  assert.notEqual(ia.code, 'LINK_WRONG_PEER');
  assert.equal(a.state, 'closed');
});

test('open-invitation bootstrap: acceptPeer sees the authenticated key and decides', async () => {
  const seen: string[] = [];
  const accept = await linkPair(
    { identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' } },
    { identity: alice, acceptPeer: async (pk) => { seen.push(toHex(pk)); return true; }, hello: { displayName: 'Alice' } },
  );
  await Promise.all([opened(accept.a), opened(accept.b)]);
  assert.deepEqual(seen, [toHex(bob.publicKey)]);
  await accept.a.close();

  const refuse = await linkPair(
    { identity: carol, expectedPeer: alice.publicKey, hello: { displayName: 'Carol' } },
    { identity: alice, acceptPeer: () => false, hello: { displayName: 'Alice' } },
  );
  assert.equal((await closedWith(refuse.b)).code, 'LINK_PEER_REJECTED');
  await closedWith(refuse.a);
  assert.equal(refuse.a.state, 'closed');

  const throwing = await linkPair(
    { identity: carol, expectedPeer: alice.publicKey, hello: { displayName: 'Carol' } },
    { identity: alice, acceptPeer: () => { throw new Error('invitation already redeemed'); }, hello: { displayName: 'Alice' } },
  );
  const info = await closedWith(throwing.b);
  assert.equal(info.code, 'LINK_PEER_REJECTED');
  assert.match(String((info.error.cause as Error).message), /already redeemed/);
});

test('garbage bytes instead of a Noise handshake: LINK_HANDSHAKE_FAILED, no crash', async () => {
  for (const garbage of [
    Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), // wrong protocol: its first 3 bytes read as a 4.6 MB length
    Buffer.from([0x20, 0, 0, ...new Uint8Array(32).fill(7)]), // a well-framed 32-byte message that is not a Noise e
    Buffer.alloc(5000, 0xff),
  ]) {
    const { dialer, listener } = await tcpPair();
    const b = new ContactLink({ socket: listener, initiator: false, identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' } });
    dialer.on('error', () => {});
    dialer.write(garbage);
    const info = await closedWith(b);
    assert.equal(info.code, 'LINK_HANDSHAKE_FAILED', garbage.subarray(0, 8).toString('hex'));
    assert.ok(info.error instanceof LinkError);
    dialer.destroy();
  }
});

/** A peer that completes a genuine Noise handshake as `who`, then writes raw messages. */
async function rawNoisePeer(who: typeof alice): Promise<{ link: ContactLink; peer: NoiseSecretStream }> {
  const { dialer, listener } = await tcpPair();
  const link = new ContactLink({ socket: listener, initiator: false, identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' } });
  const peer = new NoiseSecretStream(true, dialer, { keyPair: { publicKey: Buffer.from(who.publicKey), secretKey: Buffer.from(who.secretKey) } });
  peer.on('error', () => {});
  peer.on('data', () => {});
  await once(peer, 'connect');
  return { link, peer };
}

const hello = encodeFrame({ type: 'hello', minVersion: 1, maxVersion: 1, capabilities: [], displayName: 'Alice' });

test('a valid Noise session that sends a malformed frame is closed with LINK_BAD_FRAME', async () => {
  const cases: [string, Uint8Array[], string][] = [
    ['garbage instead of hello', [Uint8Array.of(9, 9, 9)], 'LINK_BAD_FRAME'],
    ['hello then a truncated message frame', [hello, encodeFrame({ type: 'message', id: id(1), conversationId: id(2), sentAt: 1, body: 'hi' }).subarray(0, 30)], 'LINK_BAD_FRAME'],
    // (An empty secret-stream message never reaches the link: streamx drops zero-length chunks,
    // and secret-stream uses them as keepalives, so they are not frames.)
    ['hello then a lone version byte', [hello, Uint8Array.of(1)], 'LINK_BAD_FRAME'],
    ['hello then a frame of an unknown version', [hello, Uint8Array.of(2, 8, 0, 0, 0, 0)], 'LINK_BAD_FRAME'],
    ['a valid frame before hello', [encodeFrame({ type: 'ack', messageId: id(1) })], 'LINK_PROTOCOL_VIOLATION'],
    ['two hellos', [hello, hello], 'LINK_PROTOCOL_VIOLATION'],
    ['no common version', [encodeFrame({ type: 'hello', minVersion: 2, maxVersion: 4, capabilities: [], displayName: 'Future' })], 'LINK_INCOMPATIBLE'],
  ];
  for (const [name, messages, code] of cases) {
    const { link, peer } = await rawNoisePeer(alice);
    const heard: Frame[] = [];
    peer.removeAllListeners('data');
    peer.on('data', (d: Uint8Array) => { try { heard.push(decodeFrame(d)); } catch { /* ignore */ } });
    for (const m of messages) peer.write(m);
    const info = await closedWith(link);
    assert.equal(info.code, code, name);
    assert.equal(info.local, true);
    await once(peer, 'close');
    // The peer was told why (bye after our hello), so its side can log something useful.
    const bye = heard.find((f) => f.type === 'bye');
    assert.ok(bye !== undefined && bye.type === 'bye', `${name}: no bye`);
    assert.equal(bye.reason, code === 'LINK_INCOMPATIBLE' ? 'incompatible' : 'protocol', name);
  }
});

test('an oversized frame is refused from its length prefix: LINK_FRAME_TOO_LARGE', async () => {
  const { link, peer } = await rawNoisePeer(alice);
  peer.write(hello);
  await opened(link);
  const before = process.memoryUsage().arrayBuffers;
  peer.write(new Uint8Array(4 * 1024 * 1024)); // 4 MiB: secret-stream alone would buffer it all
  const info = await closedWith(link);
  assert.equal(info.code, 'LINK_FRAME_TOO_LARGE');
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  // Just over the limit is refused too; exactly MAX_FRAME_SIZE would reach the decoder.
  const second = await rawNoisePeer(alice);
  second.peer.write(hello);
  await opened(second.link);
  second.peer.write(new Uint8Array(64 * 1024 + 1));
  assert.equal((await closedWith(second.link)).code, 'LINK_FRAME_TOO_LARGE');
});

test('keepalive: pings with jitter keep a quiet link up and measure RTT; a silent peer times out', async () => {
  // Shrunk timers: keepalive ~40 ms, dead after 300 ms. Both ends are real links on TCP.
  const fast = { keepaliveMs: 40, keepaliveJitter: 0.5, deadPeerMs: 300 };
  const delays: number[] = [];
  const timers = {
    setTimeout: (fn: () => void, ms: number) => { delays.push(ms); return setTimeout(fn, ms); },
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  let r = 0;
  const random = (): number => { r = (r + 0.37) % 1; return r; };
  const { a, b } = await linkPair(
    { identity: alice, expectedPeer: bob.publicKey, hello: { displayName: 'Alice' }, ...fast, timers, random },
    { identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' }, ...fast },
  );
  await Promise.all([opened(a), opened(b)]);
  await new Promise((resolve) => setTimeout(resolve, 700)); // > 2 dead-peer windows with no app frames
  assert.equal(a.state, 'open');
  assert.equal(b.state, 'open');
  // One end pings, the other answers (and skips its own ping): a pong came back on the link.
  assert.ok([a.rttMs, b.rttMs].some((rtt) => rtt !== null && rtt >= 0), 'a pong came back');
  const keepalives = delays.filter((d) => d >= 20 && d <= 60);
  assert.ok(keepalives.length >= 5, `keepalive delays ${delays.join(',')}`);
  assert.ok(new Set(keepalives.map((d) => Math.round(d))).size > 1, 'keepalive delays are jittered');
  await a.close();

  // A peer that connects and never starts the handshake.
  const mute = await tcpPair();
  const silent = new ContactLink({ socket: mute.listener, initiator: false, identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' }, handshakeTimeoutMs: 200 });
  assert.equal((await closedWith(silent)).code, 'LINK_HANDSHAKE_TIMEOUT');
  mute.dialer.destroy();

  // A peer that completes the handshake and hello, then goes silent (a dead Tor circuit).
  const quiet = await (async () => {
    const { dialer, listener } = await tcpPair();
    const l = new ContactLink({ socket: listener, initiator: false, identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' }, ...fast });
    const p = new NoiseSecretStream(true, dialer, { keyPair: { publicKey: Buffer.from(alice.publicKey), secretKey: Buffer.from(alice.secretKey) } });
    p.on('error', () => {});
    p.on('data', () => {}); // reads our pings, never answers
    await once(p, 'connect');
    p.write(hello);
    await opened(l);
    return { l, p };
  })();
  const t0 = Date.now();
  const info = await closedWith(quiet.l);
  assert.equal(info.code, 'LINK_PEER_TIMEOUT');
  const waited = Date.now() - t0;
  assert.ok(waited >= 250 && waited < 2000, `timed out after ${waited} ms`);
  quiet.p.destroy();
});

test('keepalive: an end that heard its peer within the shortest period sends no ping of its own; it pings once the peer is quiet', async () => {
  // l's clock and timers are the test's: its keepalive fires when the test says, at the time it
  // says, so what is checked does not depend on how loaded the machine is. Bytes move for real.
  const clock = { t: 1_000_000 };
  const scheduled: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const timers = {
    setTimeout: (fn: () => void, ms: number) => { const h = { fn, ms, cleared: false }; scheduled.push(h); return h; },
    clearTimeout: (h: unknown) => { if (h) (h as { cleared: boolean }).cleared = true; },
  };
  let r = 0;
  const random = (): number => { r = (r + 0.37) % 1; return r; };
  // keepalive 1000 ms +- 30 %: the shortest period is 700 ms.
  const fireKeepalive = (): void => {
    const h = scheduled.filter((x) => !x.cleared && x.ms >= 700 && x.ms <= 1300).pop();
    assert.ok(h, 'a keepalive is scheduled');
    h.cleared = true;
    h.fn();
  };
  const { dialer, listener } = await tcpPair();
  const l = new ContactLink({
    socket: listener, initiator: false, identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' },
    keepaliveMs: 1_000, keepaliveJitter: 0.3, deadPeerMs: 60_000, timers, now: () => clock.t, random,
  });
  const p = new NoiseSecretStream(true, dialer, { keyPair: { publicKey: Buffer.from(alice.publicKey), secretKey: Buffer.from(alice.secretKey) } });
  p.on('error', () => {});
  let pingsFromL = 0;
  const pongs = new Set<number>();
  p.on('data', (d: Uint8Array) => {
    const frame = decodeFrame(d);
    if (frame.type === 'ping') {
      pingsFromL++;
      p.write(encodeFrame({ type: 'pong', nonce: frame.nonce }));
    }
    if (frame.type === 'pong') pongs.add(frame.nonce);
  });
  /** The peer pings and waits for l's pong: l has heard it, and (one ordered stream) anything l wrote before is in. */
  const peerPings = async (nonce: number): Promise<void> => {
    p.write(encodeFrame({ type: 'ping', nonce }));
    const t0 = Date.now();
    while (!pongs.has(nonce) && Date.now() - t0 < 10_000) await new Promise((resolve) => setTimeout(resolve, 2));
    assert.ok(pongs.has(nonce), `pong ${nonce}`);
  };
  try {
    await once(p, 'connect');
    p.write(hello);
    await opened(l);
    await peerPings(1);
    clock.t += 100; // heard 100 ms ago: l's keepalive comes and writes nothing
    fireKeepalive();
    await peerPings(2);
    assert.equal(pingsFromL, 0, 'no keepalive while the peer is heard');
    clock.t += 1_000; // nothing heard for a whole period: l pings
    fireKeepalive();
    const t0 = Date.now();
    while (pingsFromL === 0 && Date.now() - t0 < 10_000) await new Promise((resolve) => setTimeout(resolve, 2));
    assert.equal(pingsFromL, 1, 'l pings once it has heard nothing for the shortest period');
  } finally {
    // Open sockets would keep the test file alive after a failed assertion.
    p.destroy();
    dialer.destroy();
    listener.destroy();
  }
});

test('ping(): each call gets its own pong, next to the keepalive; pending pings reject when the link closes', async () => {
  const { a, b } = await linkPair(
    { identity: alice, expectedPeer: bob.publicKey, hello: { displayName: 'Alice' }, keepaliveMs: 5, keepaliveJitter: 0 },
    { identity: bob, expectedPeer: alice.publicKey, hello: { displayName: 'Bob' } },
  );
  await assert.rejects(a.ping(), (err: LinkError) => err.code === 'LINK_NOT_OPEN');
  await Promise.all([opened(a), opened(b)]);
  // Keepalives every 5 ms run alongside: none of their pongs may settle a ping() of ours.
  const rtts = await Promise.all(Array.from({ length: 20 }, () => a.ping()));
  for (const rtt of rtts) assert.ok(Number.isFinite(rtt) && rtt >= 0, `rtt ${rtt}`);
  assert.ok(a.rttMs !== null, 'the last round trip is kept');
  // A ping in flight when the link closes fails with the close (a closes before reading it: no pong).
  const pending = assert.rejects(b.ping(), (err: LinkError) => err.code === 'LINK_CLOSED');
  await a.close();
  await pending;
  await assert.rejects(b.ping(), (err: LinkError) => err.code === 'LINK_CLOSED');
});
