// A `tor` for e2e specs whose profile runs on the public Tor network (docs/ARCHITECTURE.md "Network
// settings"): the real tor binary, with every connection it makes to a relay sent through a SOCKS
// proxy on 127.0.0.1 that refuses it. Tests generate traffic to 127.0.0.0/8 only; a tor started with
// Sotto's own torrc would otherwise try the public network's relays. It bootstraps, reports its
// phases (what the Tor progress screen shows) and never gets past connecting to a relay.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { execFileSync } from 'node:child_process';

export interface LoopbackTor {
  /** Environment for a host: PATH with this `tor` first. */
  env: Record<string, string>;
  /** Connections tor made to the refusing proxy (all its attempts to reach a relay). */
  attempts(): number;
  close(): Promise<void>;
}

export async function loopbackTor(dir: string): Promise<LoopbackTor> {
  const realTor = execFileSync('sh', ['-c', 'command -v tor'], { encoding: 'utf8' }).trim();
  let attempts = 0;
  const refusing: Server = createServer((s: Socket) => { attempts++; s.destroy(); });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const port = (refusing.address() as { port: number }).port;
  const bin = join(dir, 'loopback-tor-bin');
  mkdirSync(bin, { recursive: true });
  // Options on tor's command line win over its torrc; Sotto never sets Socks5Proxy at runtime.
  writeFileSync(join(bin, 'tor'), `#!/bin/sh\nexec '${realTor}' "$@" --Socks5Proxy 127.0.0.1:${port}\n`);
  chmodSync(join(bin, 'tor'), 0o755);
  return {
    env: { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => refusing.close(() => resolve())),
  };
}
