// OnionEndpoints against a scripted control server: command format, waiting for HS_DESC UPLOADED
// (also when it arrives merged with the ADD_ONION reply), cleanup on timeout, staggering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { TorControl } from './control.ts';
import { OnionEndpoints } from './onion.ts';
import { base32Encode } from './onion-address.ts';
import { TorError } from './errors.ts';

const IDS = [
  'vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd',
  '2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid',
  'xa4r2iadxm55fbnqgwwi5mymqdcofiu3w6rpbtqn7b2dyn7mgwj64jyd',
  'p53lf57qovyuvwsc6xnrppyply3vtqm7l6pcobkmyqsiofyeznfu5uqd',
  'fpfjxcrmw437h6z2xl3w4czl55kvkmxpapg37bbopsafdu7q454byxid',
];

async function scriptedTor(t: { after: (fn: () => unknown) => void }, opts: { upload: 'after' | 'merged' | 'never' | 'delayed'; delayMs?: number; privateKey?: string }) {
  const lines: string[] = [];
  const sockets: Socket[] = [];
  let next = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    let buf = '';
    socket.on('data', (chunk) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\r\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        lines.push(line);
        if (!line.startsWith('ADD_ONION')) {
          socket.write('250 OK\r\n');
          continue;
        }
        const id = IDS[next++ % IDS.length]!;
        const keyLine = opts.privateKey !== undefined && line.includes(' NEW:') ? `250-PrivateKey=${opts.privateKey}\r\n` : '';
        const reply = `250-ServiceID=${id}\r\n${keyLine}250 OK\r\n`;
        const uploads = `650 HS_DESC UPLOAD ${id} UNKNOWN $AAAA\r\n650 HS_DESC UPLOADED ${id} UNKNOWN $AAAA\r\n650 HS_DESC UPLOADED ${id} UNKNOWN $BBBB\r\n`;
        if (opts.upload === 'merged') socket.write(`650 HS_DESC CREATED ${id} UNKNOWN UNKNOWN x\r\n${reply}${uploads}`);
        else if (opts.upload === 'after') {
          socket.write(reply);
          setTimeout(() => socket.write(uploads), 5);
        } else if (opts.upload === 'delayed') {
          socket.write(reply);
          setTimeout(() => socket.write(uploads), opts.delayMs ?? 50);
        } else socket.write(reply);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const control = await TorControl.connect({ port: typeof address === 'object' && address ? address.port : 0 });
  t.after(() => {
    control.close();
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { control, lines };
}

const key = (n: number) => new Uint8Array(32).fill(n);
const target = { host: '127.0.0.1', port: 4000 };

test('create sends ADD_ONION with DiscardPK,V3Auth and every client-auth key, resolves after UPLOADED', async (t) => {
  const tor = await scriptedTor(t, { upload: 'after' });
  const onions = new OnionEndpoints({ control: tor.control });
  const ep = await onions.create({ clientAuthPublicKeys: [key(1), key(2)], target, virtualPort: 7000 });
  assert.equal(ep.serviceId, IDS[0]);
  assert.equal(ep.address, `${IDS[0]}.onion`);
  const add = tor.lines.find((l) => l.startsWith('ADD_ONION'));
  assert.equal(add, `ADD_ONION NEW:ED25519-V3 Flags=DiscardPK,V3Auth ClientAuthV3=${base32Encode(key(1))} ClientAuthV3=${base32Encode(key(2))} Port=7000,127.0.0.1:4000`);
  assert.equal(base32Encode(key(1)).length, 52);
  assert.deepEqual(tor.lines.filter((l) => l.startsWith('SETEVENTS')), ['SETEVENTS HS_DESC', 'SETEVENTS']);
  assert.deepEqual(onions.list().map((e) => e.serviceId), [IDS[0]]);
});

test('an UPLOADED event merged into the same chunk as the ADD_ONION reply is not missed', async (t) => {
  const tor = await scriptedTor(t, { upload: 'merged' });
  const onions = new OnionEndpoints({ control: tor.control, uploadTimeoutMs: 500 });
  const ep = await onions.create({ clientAuthPublicKeys: [key(1)], target, virtualPort: 1 });
  assert.equal(ep.serviceId, IDS[0]);
});

test('no client auth (gateways): no V3Auth flag; detach adds Detach', async (t) => {
  const tor = await scriptedTor(t, { upload: 'after' });
  await new OnionEndpoints({ control: tor.control }).create({ clientAuthPublicKeys: [], target, virtualPort: 80 });
  await new OnionEndpoints({ control: tor.control, detach: true }).create({ clientAuthPublicKeys: [], target, virtualPort: 80 });
  const adds = tor.lines.filter((l) => l.startsWith('ADD_ONION'));
  assert.deepEqual(adds, [
    'ADD_ONION NEW:ED25519-V3 Flags=DiscardPK Port=80,127.0.0.1:4000',
    'ADD_ONION NEW:ED25519-V3 Flags=DiscardPK,Detach Port=80,127.0.0.1:4000',
  ]);
});

test('no UPLOADED in time: ONION_UPLOAD_TIMEOUT and the onion is deleted again', async (t) => {
  const tor = await scriptedTor(t, { upload: 'never' });
  const onions = new OnionEndpoints({ control: tor.control, uploadTimeoutMs: 50 });
  await assert.rejects(onions.create({ clientAuthPublicKeys: [key(1)], target, virtualPort: 1 }), (err: TorError) => err.code === 'ONION_UPLOAD_TIMEOUT');
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(tor.lines.includes(`DEL_ONION ${IDS[0]}`));
  assert.deepEqual(onions.list(), []);
});

test('creation is staggered: never more than maxPendingCreates ADD_ONION without UPLOADED', async (t) => {
  const tor = await scriptedTor(t, { upload: 'delayed', delayMs: 40 });
  const onions = new OnionEndpoints({ control: tor.control, maxPendingCreates: 2 });
  let maxSeen = 0;
  const probe = setInterval(() => { maxSeen = Math.max(maxSeen, onions.pendingCreates); }, 2);
  const created = await Promise.all([1, 2, 3, 4, 5].map((n) => onions.create({ clientAuthPublicKeys: [key(n)], target, virtualPort: 1 })));
  clearInterval(probe);
  assert.equal(new Set(created.map((e) => e.serviceId)).size, 5);
  assert.equal(maxSeen, 2);
});

test('rotate creates the new endpoint before deleting the old', async (t) => {
  const tor = await scriptedTor(t, { upload: 'after' });
  const onions = new OnionEndpoints({ control: tor.control });
  const old = await onions.create({ clientAuthPublicKeys: [key(1)], target, virtualPort: 1 });
  const fresh = await onions.rotate(old.serviceId, { clientAuthPublicKeys: [key(1)], target, virtualPort: 1 });
  const order = tor.lines.filter((l) => l.startsWith('ADD_ONION') || l.startsWith('DEL_ONION')).map((l) => l.split(' ')[0]);
  assert.deepEqual(order, ['ADD_ONION', 'ADD_ONION', 'DEL_ONION']);
  assert.deepEqual(onions.list().map((e) => e.serviceId), [fresh.serviceId]);
});

test('bad input is refused before anything reaches tor', async (t) => {
  const tor = await scriptedTor(t, { upload: 'after' });
  const onions = new OnionEndpoints({ control: tor.control, maxClientAuthKeys: 2 });
  const bad = [
    { clientAuthPublicKeys: [new Uint8Array(31)], target, virtualPort: 1 },
    { clientAuthPublicKeys: [key(1), key(2), key(3)], target, virtualPort: 1 },
    { clientAuthPublicKeys: [key(1)], target: { host: '127.0.0.1 Flags=Detach', port: 1 }, virtualPort: 1 },
    { clientAuthPublicKeys: [key(1)], target: { host: 'localhost', port: 1 }, virtualPort: 1 },
    { clientAuthPublicKeys: [key(1)], target, virtualPort: 0 },
    { clientAuthPublicKeys: [key(1)], target: { host: '127.0.0.1', port: 65536 }, virtualPort: 1 },
  ];
  for (const opts of bad) await assert.rejects(onions.create(opts), (err: TorError) => err.code === 'BAD_INPUT');
  await assert.rejects(onions.remove('x'), (err: TorError) => err.code === 'BAD_INPUT');
  assert.deepEqual(tor.lines, []);
});

test('a stable service (gateway): a new key is handed back, a saved key is reused, never DiscardPK', async (t) => {
  const savedKey = `ED25519-V3:${Buffer.alloc(64, 7).toString('base64')}`;
  const { control, lines } = await scriptedTor(t, { upload: 'after', privateKey: savedKey });
  const endpoints = new OnionEndpoints({ control });
  const target = { host: '127.0.0.1', port: 8080 };
  const fresh = await endpoints.create({ clientAuthPublicKeys: [], target, virtualPort: 80, serviceKey: 'new' });
  assert.equal(fresh.privateKey, savedKey);
  const again = await endpoints.create({ clientAuthPublicKeys: [], target, virtualPort: 80, serviceKey: savedKey });
  assert.equal(again.privateKey, undefined);
  const adds = lines.filter((l) => l.startsWith('ADD_ONION'));
  assert.equal(adds[0], 'ADD_ONION NEW:ED25519-V3 Port=80,127.0.0.1:8080');
  assert.equal(adds[1], `ADD_ONION ${savedKey} Port=80,127.0.0.1:8080`);
  await assert.rejects(
    endpoints.create({ clientAuthPublicKeys: [], target, virtualPort: 80, serviceKey: 'ED25519-V3:x Flags=Detach' }),
    (err: unknown) => err instanceof TorError && err.code === 'BAD_INPUT',
  );
});
