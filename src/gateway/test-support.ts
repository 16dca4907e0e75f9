// Shared by the gateway's tests: a real loopback HyperDHT testnet, records signed the way a client
// signs them (hyperdht's own Persistent.signMutable with the record key pair), and a JSON client.
import { createRequire } from 'node:module';
import { request } from 'node:http';
import type { RegistryDht } from './registry-dht.ts';
import type { RecordJson } from './validation.ts';

const require = createRequire(import.meta.url);

interface KeyPair {
  publicKey: Buffer;
  secretKey: Buffer;
}

interface Testnet {
  nodes: RegistryDht[];
  bootstrap: { host: string; port: number }[];
  createNode(opts?: object): RegistryDht;
  destroy(): Promise<void>;
}

const createTestnet = require('hyperdht/testnet') as (size: number, opts?: object) => Promise<Testnet>;
const HyperDHT = require('hyperdht') as { keyPair(seed?: Buffer): KeyPair };
const Persistent = require('hyperdht/lib/persistent.js') as {
  signMutable(seq: number, value: Buffer, keyPair: KeyPair): Buffer;
};

export async function startTestnet(size = 20): Promise<Testnet & { bootstrapStrings: string[] }> {
  const testnet = await createTestnet(size, { host: '127.0.0.1' });
  return Object.assign(testnet, { bootstrapStrings: testnet.bootstrap.map((b) => `${b.host}:${b.port}`) });
}

export function recordKeyPair(): KeyPair {
  return HyperDHT.keyPair();
}

/** A record signed by its owner, in the wire form a client sends to /v1/put. */
export function signedRecord(keyPair: KeyPair, seq: number, value: Buffer): RecordJson {
  return {
    publicKey: keyPair.publicKey.toString('hex'),
    seq,
    value: value.toString('base64'),
    signature: Persistent.signMutable(seq, value, keyPair).toString('hex'),
  };
}

export interface JsonReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One HTTP request on its own connection (agent: false), like one isolated Tor stream. */
export function httpJson(
  url: string,
  opts: { method?: string; path: string; body?: string | Buffer; json?: unknown; headers?: Record<string, string> },
): Promise<JsonReply> {
  const payload = opts.json !== undefined ? JSON.stringify(opts.json) : opts.body;
  return new Promise((resolve, reject) => {
    const req = request(`${url}${opts.path}`, {
      method: opts.method ?? (payload === undefined ? 'GET' : 'POST'),
      agent: false,
      headers: { 'content-type': 'application/json', ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // leave as text: the assertion that follows will show it
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export function errorCode(reply: JsonReply): string | undefined {
  const body = reply.body as { ok?: boolean; error?: { code?: string } } | null;
  return body?.ok === false ? body.error?.code : undefined;
}
