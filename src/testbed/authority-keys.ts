// Directory authority keys, generated per run. Certificates made with `tor-gencert -m 12` expire
// after 12 months, so committed fixtures would silently break the testbed a year later.
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { guardChild } from './child-guard.ts';
import { aborted, keygenFailed } from './errors.ts';

export interface AuthorityKeys {
  fingerprint: string;
  v3ident: string;
}

function run(cmd: string, args: string[], stdin: string, signal?: AbortSignal): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // `signal` kills the child on abort (it then rejects with an AbortError).
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false, signal });
    guardChild(child);
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
    child.stdin.end(stdin);
  });
}

const HEX40 = /^[0-9A-F]{40}$/;

export async function generateAuthorityKeys(o: {
  torPath: string;
  gencertPath: string;
  dataDir: string;
  nickname: string;
  dirPort: number;
  orPort: number;
  defaultsTorrc: string;
  signal?: AbortSignal;
}): Promise<AuthorityKeys> {
  const keys = join(o.dataDir, 'keys');
  await mkdir(keys, { recursive: true, mode: 0o700 });
  const cert = join(keys, 'authority_certificate');
  // --passphrase-fd 0 with an empty line: an unencrypted identity key, no prompt.
  const gencert = await run(
    o.gencertPath,
    ['--create-identity-key', '-m', '12', '-a', `127.0.0.1:${o.dirPort}`,
      '-i', join(keys, 'authority_identity_key'), '-s', join(keys, 'authority_signing_key'),
      '-c', cert, '--passphrase-fd', '0'],
    '\n',
    o.signal,
  ).catch((err: unknown) => {
    throw o.signal?.aborted ? aborted('authority key generation') : keygenFailed('tor-gencert', String(err));
  });
  if (gencert.code !== 0) throw keygenFailed('tor-gencert', gencert.output);
  const v3ident = /^fingerprint ([0-9A-F]{40})$/m.exec(await readFile(cert, 'utf8'))?.[1];
  if (v3ident === undefined) throw keygenFailed('tor-gencert', 'certificate without fingerprint line');

  // Creates the relay identity key in the data directory and writes its fingerprint file. The
  // DirAuthority line only satisfies TestingTorNetwork's "non-default authorities" rule.
  const list = await run(
    o.torPath,
    ['--list-fingerprint', '-f', o.defaultsTorrc, '--defaults-torrc', o.defaultsTorrc,
      '--DataDirectory', o.dataDir, '--Nickname', o.nickname, '--ORPort', `127.0.0.1:${o.orPort}`,
      '--TestingTorNetwork', '1', '--Log', 'err stderr',
      '--DirAuthority', `placeholder 127.0.0.1:1 ${'F'.repeat(40)}`],
    '',
    o.signal,
  ).catch((err: unknown) => {
    throw o.signal?.aborted ? aborted('authority key generation') : keygenFailed('tor --list-fingerprint', String(err));
  });
  if (list.code !== 0) throw keygenFailed('tor --list-fingerprint', list.output);
  const fingerprint = (await readFile(join(o.dataDir, 'fingerprint'), 'utf8')).trim().split(/\s+/)[1];
  if (fingerprint === undefined || !HEX40.test(fingerprint)) {
    throw keygenFailed('tor --list-fingerprint', `unexpected fingerprint file: ${fingerprint}`);
  }
  return { fingerprint, v3ident };
}
