// The testbed description file: what `npm run testbed` started, for app profiles, integration
// tests and e2e tests. Versioned (STYLE.md: a version first in every format) and validated when
// read back, because it crosses a process boundary.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { badDescription, descriptionUnreadable } from './errors.ts';

export const TESTBED_DESCRIPTION_VERSION = 1;

const hostPort = z.string().regex(/^127\.0\.0\.1:\d{1,5}$/, 'expected "127.0.0.1:port"');

const gatewaySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]{1,32}$/, 'expected a short lowercase name'),
  url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d{1,5}$/, 'expected "http://127.0.0.1:port"'),
  // A v3 onion address: 56 base32 characters, the last one encoding version 3 (rend-spec-v3
  // section 6), virtual port 80.
  onion: z.string().regex(/^[a-z2-7]{55}d\.onion:80$/, 'expected "<56 base32>.onion:80"'),
});

const descriptionSchema = z.strictObject({
  version: z.literal(TESTBED_DESCRIPTION_VERSION),
  createdAt: z.iso.datetime(),
  dir: z.string().min(1),
  tor: z.strictObject({
    clientTorrc: z.array(z.string().min(1).refine((l) => !l.includes('\n'), 'one line per entry'))
      .refine((lines) => lines.includes('TestingTorNetwork 1'), 'missing "TestingTorNetwork 1"')
      .refine((lines) => lines.filter((l) => l.startsWith('DirAuthority ')).length >= 1, 'no DirAuthority line'),
  }),
  dht: z.strictObject({ bootstrap: z.array(hostPort).min(1) }),
  gateways: z.array(gatewaySchema),
});

export type TestbedDescription = z.infer<typeof descriptionSchema>;
export type TestbedGateway = z.infer<typeof gatewaySchema>;

/** Validates data that crossed a boundary; `source` names it in the error. */
export function parseTestbedDescription(data: unknown, source = 'testbed description'): TestbedDescription {
  const result = descriptionSchema.safeParse(data);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw badDescription(source, detail);
  }
  return result.data;
}

export async function readTestbedDescription(path: string): Promise<TestbedDescription> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw descriptionUnreadable(path, err);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw badDescription(path, `not JSON (${(err as Error).message})`);
  }
  return parseTestbedDescription(data, path);
}

/** Validates, then writes atomically (temp file + rename) so a reader never sees half a file. */
export async function writeTestbedDescription(path: string, description: TestbedDescription): Promise<void> {
  const valid = parseTestbedDescription(description, path);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(valid, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}
