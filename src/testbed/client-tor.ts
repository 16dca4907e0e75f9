// A client tor joined to the private network, through the app's own TorProcess (src/main/tor),
// so the testbed exercises the same process manager the app uses.
import { TorProcess } from '../main/tor/index.ts';

export interface ClientTorOptions {
  /** torrc lines from TorNetwork.clientTorrc() or a testbed description. */
  clientTorrc: readonly string[];
  dataDir: string;
  torPath?: string;
  signal?: AbortSignal;
}

export interface ClientTor {
  tor: TorProcess;
  /** From spawn to 100 % bootstrap, milliseconds. */
  bootstrapMs: number;
}

export async function startClientTor(o: ClientTorOptions, now: () => number = Date.now): Promise<ClientTor> {
  const started = now();
  const tor = new TorProcess({ torPath: o.torPath ?? 'tor', dataDir: o.dataDir, extraTorrc: [...o.clientTorrc] });
  try {
    await tor.start(o.signal);
    await tor.waitBootstrapped(o.signal);
  } catch (err) {
    await tor.stop();
    throw err;
  }
  return { tor, bootstrapMs: now() - started };
}
