// TorControl against a scripted control server on 127.0.0.1. The server is the fake here; the
// client (parser, FIFO, events, SAFECOOKIE) is the real thing under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { TorControl, type ControlEvent } from './control.ts';
import { TorError } from './errors.ts';
import { safeCookieClientHash, safeCookieServerHash } from './safecookie.ts';

interface Scripted {
  server: Server;
  port: number;
  lines: string[];
  sockets: Socket[];
}

/** A control server that hands every received line to `onLine` (with the socket to answer on). */
async function scriptedServer(t: { after: (fn: () => unknown) => void }, onLine: (line: string, socket: Socket, s: Scripted) => void): Promise<Scripted> {
  const s: Scripted = { server: createServer(), port: 0, lines: [], sockets: [] };
  s.server.on('connection', (socket) => {
    s.sockets.push(socket);
    let buf = '';
    socket.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\r\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        s.lines.push(line);
        onLine(line, socket, s);
      }
    });
    socket.on('error', () => {});
  });
  s.server.listen(0, '127.0.0.1');
  await once(s.server, 'listening');
  const addr = s.server.address();
  s.port = typeof addr === 'object' && addr ? addr.port : 0;
  t.after(() => {
    for (const socket of s.sockets) socket.destroy();
    s.server.close();
  });
  return s;
}

async function client(t: { after: (fn: () => unknown) => void }, port: number, opts = {}): Promise<TorControl> {
  const c = await TorControl.connect({ port, ...opts });
  t.after(() => c.close());
  return c;
}

/** Writes `text` one byte per write, yielding between writes so TCP really delivers it in pieces. */
async function dribble(socket: Socket, text: string): Promise<void> {
  for (const ch of Buffer.from(text)) {
    socket.write(Buffer.from([ch]));
    await new Promise((r) => setImmediate(r));
  }
}

test('a reply split into one-byte TCP chunks is reassembled', async (t) => {
  const s = await scriptedServer(t, (line, socket) => {
    if (line === 'GETINFO version net/listeners/socks') {
      void dribble(socket, '250-version=0.4.9.11\r\n250-net/listeners/socks="127.0.0.1:9050"\r\n250 OK\r\n');
    }
  });
  const c = await client(t, s.port);
  const info = await c.getInfo(['version', 'net/listeners/socks']);
  assert.equal(info.get('version'), '0.4.9.11');
  assert.equal(info.get('net/listeners/socks'), '"127.0.0.1:9050"');
});

test('pipelined commands get their own replies when replies and events arrive merged in one chunk', async (t) => {
  let seen = 0;
  const s = await scriptedServer(t, (_line, socket) => {
    seen++;
    if (seen === 3) {
      socket.write(
        '250-version=1\r\n250 OK\r\n' +
          '650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done SUMMARY="Connected to a relay"\r\n' +
          '552 Unrecognized key "nope"\r\n' +
          '650-CONF_CHANGED\r\n650-SocksPort=127.0.0.1:1\r\n650 OK\r\n' +
          '250-version=3\r\n250 OK\r\n',
      );
    }
  });
  const c = await client(t, s.port);
  const events: ControlEvent[] = [];
  c.on('event', (e) => events.push(e));
  const [a, b, d] = await Promise.allSettled([c.getInfo(['version']), c.getInfo(['nope']), c.getInfo(['version'])]);
  assert.equal(a.status === 'fulfilled' && a.value.get('version'), '1');
  assert.equal(d.status === 'fulfilled' && d.value.get('version'), '3');
  assert.equal(b.status, 'rejected');
  const err = (b as PromiseRejectedResult).reason as TorError;
  assert.ok(err instanceof TorError);
  assert.equal(err.code, 'COMMAND_REJECTED');
  assert.equal(err.status, 552);
  assert.match(err.message, /Unrecognized key "nope"/);
  assert.deepEqual(events.map((e) => e.name), ['STATUS_CLIENT', 'CONF_CHANGED']);
  assert.equal(events[0]?.text, 'NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done SUMMARY="Connected to a relay"');
  assert.equal(events[1]?.lines.length, 3);
  assert.equal(events[1]?.lines[1]?.text, 'SocksPort=127.0.0.1:1');
});

test('data replies (250+ ... .) are unescaped and an async 650+ event between replies stays out of them', async (t) => {
  const s = await scriptedServer(t, (line, socket) => {
    if (line === 'GETINFO config-text') {
      socket.write(
        '650+NS\r\nr relay1 AAAA\r\n.\r\n650 OK\r\n' +
          '250+config-text=\r\nSocksPort 9050\r\n..hidden dot line\r\n\r\nLog notice stdout\r\n.\r\n250 OK\r\n',
      );
    }
  });
  const c = await client(t, s.port);
  const events: ControlEvent[] = [];
  c.on('event', (e) => events.push(e));
  const info = await c.getInfo(['config-text']);
  assert.equal(info.get('config-text'), 'SocksPort 9050\n.hidden dot line\n\nLog notice stdout');
  assert.equal(events.length, 1);
  assert.equal(events[0]?.name, 'NS');
  assert.equal(events[0]?.lines[0]?.data, 'r relay1 AAAA');
});

test('a timed-out command rejects, and its late reply is not handed to the next command', async (t) => {
  let first: Socket | null = null;
  const s = await scriptedServer(t, (line, socket) => {
    if (line === 'GETINFO slow') first = socket;
    if (line === 'GETINFO fast') {
      // Answer both only after the first has timed out on the client.
      setTimeout(() => first?.write('250-slow=late\r\n250 OK\r\n250-fast=yes\r\n250 OK\r\n'), 80);
    }
  });
  const c = await client(t, s.port);
  const slow = c.getInfo(['slow'], { timeoutMs: 30 });
  const fast = c.getInfo(['fast'], { timeoutMs: 2000 });
  await assert.rejects(slow, (err: TorError) => err.code === 'CONTROL_TIMEOUT');
  assert.equal((await fast).get('fast'), 'yes');
});

test('AbortSignal rejects a pending command; an already aborted signal sends nothing', async (t) => {
  const s = await scriptedServer(t, (line, socket) => {
    if (line === 'GETINFO b') socket.write('250-a=1\r\n250 OK\r\n250-b=2\r\n250 OK\r\n');
  });
  const c = await client(t, s.port);
  const ac = new AbortController();
  const a = c.getInfo(['a'], { signal: ac.signal });
  ac.abort();
  await assert.rejects(a, (err: TorError) => err.code === 'ABORTED');
  await assert.rejects(c.getInfo(['never'], { signal: AbortSignal.abort() }), (err: TorError) => err.code === 'ABORTED');
  assert.equal((await c.getInfo(['b'])).get('b'), '2');
  assert.ok(!s.lines.includes('GETINFO never'));
});

test('losing the connection rejects every pending command and later ones', async (t) => {
  const s = await scriptedServer(t, (line, socket) => {
    if (line === 'GETINFO two') socket.destroy();
  });
  const c = await client(t, s.port);
  const closed = once(c, 'close');
  const results = await Promise.allSettled([c.getInfo(['one']), c.getInfo(['two'])]);
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.equal(((r as PromiseRejectedResult).reason as TorError).code, 'CONTROL_CLOSED');
  }
  await closed;
  await assert.rejects(c.signal('NEWNYM'), (err: TorError) => err.code === 'CONTROL_CLOSED');
});

test('a line that is not control protocol closes the connection with CONTROL_PROTOCOL', async (t) => {
  const s = await scriptedServer(t, (_line, socket) => socket.write('HTTP/1.0 400 Bad Request\r\n'));
  const c = await client(t, s.port);
  await assert.rejects(c.getInfo(['version']), (err: TorError) => err.code === 'CONTROL_PROTOCOL');
  assert.ok(c.closed);
});

test('a command with a line break is refused before anything is sent', async (t) => {
  const s = await scriptedServer(t, () => {});
  const c = await client(t, s.port);
  await assert.rejects(c.command('GETINFO version\r\nSIGNAL HALT'), (err: TorError) => err.code === 'BAD_INPUT');
  await assert.rejects(c.getInfo(['version x']), (err: TorError) => err.code === 'BAD_INPUT');
  await assert.rejects(c.setConf({ 'Bad Key': 'x' }), (err: TorError) => err.code === 'BAD_INPUT');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(s.lines, []);
});

test('setConf quotes values and subscribe keeps the union of event names', async (t) => {
  const s = await scriptedServer(t, (_line, socket) => socket.write('250 OK\r\n'));
  const c = await client(t, s.port);
  await c.setConf({ DisableNetwork: '0', HiddenServiceDir: 'a "b" \\c' });
  const dropStatus = await c.subscribe('STATUS_CLIENT');
  const dropDesc = await c.subscribe('HS_DESC');
  const dropDesc2 = await c.subscribe('HS_DESC');
  await dropStatus();
  await dropDesc();
  await dropDesc2();
  assert.deepEqual(s.lines, [
    'SETCONF DisableNetwork="0" HiddenServiceDir="a \\"b\\" \\\\c"',
    'SETEVENTS STATUS_CLIENT',
    'SETEVENTS STATUS_CLIENT HS_DESC',
    'SETEVENTS HS_DESC',
    'SETEVENTS',
  ]);
});

/** A control server that speaks PROTOCOLINFO + AUTHCHALLENGE SAFECOOKIE + AUTHENTICATE. */
function safeCookieServer(cookie: Buffer, cookieFile: string, opts: { lieAboutHash?: boolean } = {}) {
  let clientNonce = Buffer.alloc(0);
  const serverNonce = randomBytes(32);
  const state = { authenticated: false };
  const onLine = (line: string, socket: Socket) => {
    if (line === 'PROTOCOLINFO 1') {
      socket.write(`250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="${cookieFile}"\r\n250-VERSION Tor="0.4.9.11"\r\n250 OK\r\n`);
    } else if (line.startsWith('AUTHCHALLENGE SAFECOOKIE ')) {
      clientNonce = Buffer.from(line.split(' ')[2] ?? '', 'hex');
      const hash = opts.lieAboutHash ? randomBytes(32) : safeCookieServerHash(cookie, clientNonce, serverNonce);
      socket.write(`250 AUTHCHALLENGE SERVERHASH=${hash.toString('hex').toUpperCase()} SERVERNONCE=${serverNonce.toString('hex').toUpperCase()}\r\n`);
    } else if (line.startsWith('AUTHENTICATE ')) {
      const expected = safeCookieClientHash(cookie, clientNonce, serverNonce).toString('hex');
      if (line.slice(13).toLowerCase() === expected) {
        state.authenticated = true;
        socket.write('250 OK\r\n');
      } else {
        socket.write('515 Authentication failed: Safecookie response did not match expected value.\r\n');
        socket.destroy();
      }
    }
  };
  return { onLine, state };
}

test('SAFECOOKIE authentication with the cookie file tor names', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sotto-cookie-'));
  const cookie = randomBytes(32);
  const cookieFile = join(dir, 'control_auth_cookie');
  writeFileSync(cookieFile, cookie);
  const fake = safeCookieServer(cookie, cookieFile);
  const s = await scriptedServer(t, fake.onLine);
  const c = await client(t, s.port);
  await c.authenticate();
  assert.ok(fake.state.authenticated);
});

test('SAFECOOKIE with a cookie that differs from tor\'s fails on the server hash, before AUTHENTICATE', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sotto-cookie-'));
  const cookieFile = join(dir, 'control_auth_cookie');
  writeFileSync(cookieFile, randomBytes(32));
  const fake = safeCookieServer(randomBytes(32), cookieFile);
  const s = await scriptedServer(t, fake.onLine);
  const c = await client(t, s.port);
  // The server hashes *its* cookie, so our check of its hash fails first.
  await assert.rejects(c.authenticate(), (err: TorError) => err.code === 'BAD_SERVER_HASH');
  assert.ok(!s.lines.some((l) => l.startsWith('AUTHENTICATE')));
  assert.ok(!fake.state.authenticated);
});

test('SAFECOOKIE: a server that cannot prove it knows the cookie never gets our hash', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sotto-cookie-'));
  const cookie = randomBytes(32);
  const cookieFile = join(dir, 'control_auth_cookie');
  writeFileSync(cookieFile, cookie);
  const fake = safeCookieServer(cookie, cookieFile, { lieAboutHash: true });
  const s = await scriptedServer(t, fake.onLine);
  const c = await client(t, s.port);
  await assert.rejects(c.authenticate({ cookieFile }), (err: TorError) => err.code === 'BAD_SERVER_HASH');
  assert.ok(!s.lines.some((l) => l.startsWith('AUTHENTICATE')));
  assert.ok(c.closed);
});

test('a cookie file of the wrong size is refused before any challenge', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sotto-cookie-'));
  const cookieFile = join(dir, 'control_auth_cookie');
  writeFileSync(cookieFile, randomBytes(31));
  const fake = safeCookieServer(randomBytes(32), cookieFile);
  const s = await scriptedServer(t, fake.onLine);
  const c = await client(t, s.port);
  await assert.rejects(c.authenticate(), (err: TorError) => err.code === 'AUTH_FAILED');
  assert.ok(!s.lines.some((l) => l.startsWith('AUTHCHALLENGE')));
});
