// socksConnect / connectOnion against a scripted SOCKS5 server on 127.0.0.1 (the server is ours;
// the client is under test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { socksConnect } from './socks.ts';
import { connectOnion } from './connect-onion.ts';
import { TorError, SOCKS_REPLY_CODES } from './errors.ts';

const ONION = 'vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd';

interface Request {
  user: string | null;
  pass: string | null;
  host: string;
  port: number;
}

interface ScriptOptions {
  /** SOCKS reply code for the n-th connection (0-based). */
  reply?: (n: number) => number;
  /** Bytes written in the same chunk right after a success reply. */
  trailing?: Buffer;
  /** Write the server's answers one byte at a time. */
  dribble?: boolean;
  silent?: boolean;
}

async function socksServer(t: { after: (fn: () => unknown) => void }, opts: ScriptOptions = {}) {
  const requests: Request[] = [];
  const sockets: Socket[] = [];
  let n = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    const index = n++;
    let buf = Buffer.alloc(0);
    let state: 'greet' | 'auth' | 'request' | 'echo' = 'greet';
    const req: Request = { user: null, pass: null, host: '', port: 0 };
    const send = async (bytes: Buffer) => {
      if (!opts.dribble) return void socket.write(bytes);
      for (const b of bytes) {
        socket.write(Buffer.from([b]));
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    socket.on('data', async (chunk) => {
      if (opts.silent) return;
      if (state === 'echo') return void socket.write(chunk);
      buf = Buffer.concat([buf, chunk]);
      if (state === 'greet' && buf.length >= 2 && buf.length >= 2 + buf[1]!) {
        const methods = [...buf.subarray(2, 2 + buf[1]!)];
        buf = buf.subarray(2 + buf[1]!);
        const method = methods.includes(2) ? 2 : 0;
        state = method === 2 ? 'auth' : 'request';
        await send(Buffer.from([5, method]));
      }
      if (state === 'auth' && buf.length >= 2) {
        const ulen = buf[1]!;
        if (buf.length < 3 + ulen) return;
        const plen = buf[2 + ulen]!;
        if (buf.length < 3 + ulen + plen) return;
        req.user = buf.subarray(2, 2 + ulen).toString();
        req.pass = buf.subarray(3 + ulen, 3 + ulen + plen).toString();
        buf = buf.subarray(3 + ulen + plen);
        state = 'request';
        await send(Buffer.from([1, 0]));
      }
      if (state === 'request' && buf.length >= 5) {
        const len = buf[4]!;
        if (buf.length < 5 + len + 2) return;
        assert.deepEqual([...buf.subarray(0, 4)], [5, 1, 0, 3]);
        req.host = buf.subarray(5, 5 + len).toString();
        req.port = buf.readUInt16BE(5 + len);
        requests.push(req);
        buf = buf.subarray(7 + len);
        const rep = opts.reply?.(index) ?? 0;
        const reply = Buffer.from([5, rep, 0, 1, 0, 0, 0, 0, 0, 0]);
        if (rep !== 0) {
          await send(reply);
          socket.end();
          return;
        }
        state = 'echo';
        await send(opts.trailing ? Buffer.concat([reply, opts.trailing]) : reply);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port, requests };
}

async function roundTrip(socket: Socket, text: string): Promise<string> {
  socket.write(text);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return chunk.toString();
}

test('connects without auth when no isolation key is given, and the socket carries data', async (t) => {
  const s = await socksServer(t);
  const socket = await socksConnect({ socksPort: s.port, host: `${ONION}.onion`, port: 7000 });
  t.after(() => socket.destroy());
  assert.deepEqual(s.requests, [{ user: null, pass: null, host: `${ONION}.onion`, port: 7000 }]);
  assert.equal(await roundTrip(socket, 'ping'), 'ping');
});

test('the isolation key travels as the SOCKS username (IsolateSOCKSAuth)', async (t) => {
  const s = await socksServer(t);
  const a = await socksConnect({ socksPort: s.port, host: 'example.onion', port: 1, isolation: 'contact:alice' });
  const b = await socksConnect({ socksPort: s.port, host: 'example.onion', port: 1, isolation: 'registry:42' });
  t.after(() => { a.destroy(); b.destroy(); });
  assert.deepEqual(s.requests.map((r) => r.user), ['contact:alice', 'registry:42']);
  assert.ok(s.requests.every((r) => r.pass && r.pass.length > 0));
});

test('answers dribbled one byte at a time are reassembled', async (t) => {
  const s = await socksServer(t, { dribble: true });
  const socket = await socksConnect({ socksPort: s.port, host: 'x.onion', port: 9, isolation: 'k' });
  t.after(() => socket.destroy());
  assert.equal(await roundTrip(socket, 'dribbled'), 'dribbled');
});

test('bytes the peer sends in the same chunk as the SOCKS reply reach the caller', async (t) => {
  const s = await socksServer(t, { trailing: Buffer.from('hello from the peer') });
  const socket = await socksConnect({ socksPort: s.port, host: 'x.onion', port: 9, isolation: 'k' });
  t.after(() => socket.destroy());
  let got = '';
  socket.on('data', (d: Buffer) => { got += d.toString(); });
  while (got.length < 'hello from the peer'.length) await once(socket, 'data');
  assert.equal(got, 'hello from the peer');
});

test('every SOCKS5 and ExtendedErrors reply maps to its coded TorError', async (t) => {
  const codes = [...SOCKS_REPLY_CODES.keys()];
  const s = await socksServer(t, { reply: (n) => codes[n]! });
  for (const rep of codes) {
    await assert.rejects(socksConnect({ socksPort: s.port, host: 'x.onion', port: 1 }), (err: TorError) => {
      assert.ok(err instanceof TorError);
      assert.equal(err.code, SOCKS_REPLY_CODES.get(rep));
      assert.equal(err.status, rep);
      return true;
    });
  }
  assert.equal(SOCKS_REPLY_CODES.get(0xf4), 'ONION_MISSING_CLIENT_AUTH');
  assert.equal(SOCKS_REPLY_CODES.get(0xf5), 'ONION_BAD_CLIENT_AUTH');
});

test('timeout and abort while tor says nothing', async (t) => {
  const s = await socksServer(t, { silent: true });
  await assert.rejects(socksConnect({ socksPort: s.port, host: 'x.onion', port: 1, timeoutMs: 50 }), (err: TorError) => err.code === 'SOCKS_TIMEOUT');
  const ac = new AbortController();
  const pending = socksConnect({ socksPort: s.port, host: 'x.onion', port: 1, signal: ac.signal });
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(pending, (err: TorError) => err.code === 'ABORTED');
});

test('nothing listening is SOCKS_CONNECT_FAILED; bad input is BAD_INPUT', async () => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  await assert.rejects(socksConnect({ socksPort: port, host: 'x.onion', port: 1 }), (err: TorError) => err.code === 'SOCKS_CONNECT_FAILED');
  await assert.rejects(socksConnect({ socksPort: port, host: 'x'.repeat(256), port: 1 }), (err: TorError) => err.code === 'BAD_INPUT');
  await assert.rejects(socksConnect({ socksPort: port, host: 'x.onion', port: 70000 }), (err: TorError) => err.code === 'BAD_INPUT');
  await assert.rejects(socksConnect({ socksPort: port, host: 'x.onion', port: 1, isolation: '' }), (err: TorError) => err.code === 'BAD_INPUT');
  await assert.rejects(socksConnect({ socksPort: port, host: 'x.onion', port: 1, isolation: '<torS0X>0' }), (err: TorError) => err.code === 'BAD_INPUT');
  await assert.rejects(connectOnion({ socksPort: port, serviceId: 'notanonion', port: 1 }), (err: TorError) => err.code === 'BAD_INPUT');
});

test('connectOnion retries while the descriptor propagates (F0, F2, F3, F7) and then connects', async (t) => {
  const sequence = [0xf0, 0xf2, 0xf3, 0xf7, 0x00];
  const s = await socksServer(t, { reply: (n) => sequence[n]! });
  const retries: string[] = [];
  const socket = await connectOnion({
    socksPort: s.port,
    serviceId: ONION,
    port: 7000,
    isolation: 'contact:bob',
    backoffsMs: [1, 1, 1, 1, 1],
    onRetry: (err) => retries.push(err.code),
  });
  t.after(() => socket.destroy());
  assert.deepEqual(retries, ['ONION_DESC_NOT_FOUND', 'ONION_INTRO_FAILED', 'ONION_REND_FAILED', 'ONION_INTRO_TIMEOUT']);
  assert.equal(s.requests.length, 5);
  assert.ok(s.requests.every((r) => r.host === `${ONION}.onion` && r.user === 'contact:bob'));
  assert.equal(await roundTrip(socket, 'after retries'), 'after retries');
});

test('connectOnion never retries missing or wrong client auth, and gives up after its backoffs', async (t) => {
  for (const [rep, code] of [[0xf4, 'ONION_MISSING_CLIENT_AUTH'], [0xf5, 'ONION_BAD_CLIENT_AUTH']] as const) {
    const s = await socksServer(t, { reply: () => rep });
    await assert.rejects(connectOnion({ socksPort: s.port, serviceId: `${ONION}.onion`, port: 1, backoffsMs: [1, 1, 1] }), (err: TorError) => err.code === code);
    assert.equal(s.requests.length, 1);
  }
  const s = await socksServer(t, { reply: () => 0xf0 });
  await assert.rejects(connectOnion({ socksPort: s.port, serviceId: ONION, port: 1, backoffsMs: [1, 1] }), (err: TorError) => err.code === 'ONION_DESC_NOT_FOUND');
  assert.equal(s.requests.length, 3);
});
