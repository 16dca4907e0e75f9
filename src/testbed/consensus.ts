// Reads the consensus an authority serves on its DirPort (dir-spec section 4: plain HTTP/1.0 GET)
// to decide when the network is usable: every router listed with Running, in the microdesc
// flavour that clients download.
import { request } from 'node:http';

export const CONSENSUS_PATH = '/tor/status-vote/current/consensus-microdesc';

export function fetchDirDocument(port: number, path: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(null);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

/** Nicknames of the routers a consensus lists with the Running flag. */
export function runningRouters(consensus: string): Set<string> {
  const running = new Set<string>();
  let current: string | undefined;
  for (const line of consensus.split('\n')) {
    if (line.startsWith('r ')) current = line.split(' ')[1];
    else if (line.startsWith('s ') && current !== undefined) {
      if (line.split(' ').includes('Running')) running.add(current);
      current = undefined;
    }
  }
  return running;
}
