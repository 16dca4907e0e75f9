// A private Tor network on 127.0.0.1: 3 directory authorities + 3 relays (2 exits allowing only
// 127.0.0.0/8), keys generated per run, options from docs/ARCHITECTURE.md "Testbed" (measured options). Measured
// here: consensus listing every router ~8 s after spawn.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateAuthorityKeys } from './authority-keys.ts';
import { CONSENSUS_PATH, fetchDirDocument, runningRouters } from './consensus.ts';
import { aborted, consensusTimeout, torExited, type TestbedError } from './errors.ts';
import { freePorts } from './ports.ts';
import { processRssBytes } from './rss.ts';
import { TorNode } from './tor-node.ts';
import {
  authorityTorrc,
  DEFAULT_TIMINGS,
  networkLines,
  relayTorrc,
  votingStartOffset,
  type AuthorityIdentity,
  type NetworkTimings,
  type TorNodeRole,
} from './torrc.ts';

export interface TorNetworkOptions {
  /** Working directory; one data directory per node is created inside. */
  dir: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  torPath?: string;
  gencertPath?: string;
  authorities?: number;
  exits?: number;
  /** Non-exit relays. */
  relays?: number;
  timings?: NetworkTimings;
  /**
   * Seconds from spawn to the first consensus' valid-after time. Votes go out
   * 2 x voteDelay earlier, and relays must have uploaded their descriptors by then.
   */
  votingLeadSeconds?: number;
  consensusTimeoutMs?: number;
  /** Fallback re-check period while waiting for the consensus (log lines trigger checks first). */
  consensusCheckMs?: number;
  now?: () => number;
}

export interface TorNetworkNode {
  nickname: string;
  role: TorNodeRole;
  pid: number | undefined;
  orPort: number;
  dirPort?: number;
  dataDir: string;
}

export interface TorNetwork {
  dir: string;
  nodes: TorNetworkNode[];
  authorities: AuthorityIdentity[];
  /** torrc lines a client tor needs to join this network (TestingTorNetwork, DirAuthority, ...). */
  clientTorrc(): string[];
  /** Milliseconds from the call to a consensus listing every router. */
  bootMs: number;
  /** Sum of the resident set sizes of every tor of the network (Linux /proc). */
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

export async function startTorNetwork(o: TorNetworkOptions): Promise<TorNetwork> {
  const now = o.now ?? Date.now;
  const started = now();
  const log = o.log ?? (() => {});
  const torPath = o.torPath ?? 'tor';
  const gencertPath = o.gencertPath ?? 'tor-gencert';
  const timings = o.timings ?? DEFAULT_TIMINGS;
  const nAuth = o.authorities ?? 3;
  const nExit = o.exits ?? 2;
  const nRelay = o.relays ?? 1;
  const dir = resolve(o.dir);
  if (o.signal?.aborted) throw aborted('tor network start');

  await mkdir(dir, { recursive: true, mode: 0o700 });
  // One empty file serves as --defaults-torrc (tor rejects /dev/null) and as the GeoIP files.
  const empty = join(dir, 'empty');
  await writeFile(empty, '');

  const ports = await freePorts(nAuth * 2 + nExit + nRelay);
  const takePort = (): number => {
    const p = ports.shift();
    if (p === undefined) throw new RangeError('port pool exhausted');
    return p;
  };

  const specs: { nickname: string; role: TorNodeRole; orPort: number; dirPort?: number; dataDir: string }[] = [];
  for (let i = 0; i < nAuth; i++) {
    specs.push({ nickname: `auth${i}`, role: 'authority', orPort: takePort(), dirPort: takePort(), dataDir: join(dir, `auth${i}`) });
  }
  for (let i = 0; i < nExit; i++) specs.push({ nickname: `exit${i}`, role: 'exit', orPort: takePort(), dataDir: join(dir, `exit${i}`) });
  for (let i = 0; i < nRelay; i++) specs.push({ nickname: `relay${i}`, role: 'relay', orPort: takePort(), dataDir: join(dir, `relay${i}`) });
  await Promise.all(specs.map((s) => mkdir(s.dataDir, { recursive: true, mode: 0o700 })));

  const authoritySpecs = specs.filter((s) => s.role === 'authority');
  const authorities: AuthorityIdentity[] = await Promise.all(
    authoritySpecs.map(async (s) => {
      const dirPort = s.dirPort as number;
      const keys = await generateAuthorityKeys({
        torPath, gencertPath, dataDir: s.dataDir, nickname: s.nickname, dirPort, orPort: s.orPort, defaultsTorrc: empty, signal: o.signal,
      });
      return { nickname: s.nickname, orPort: s.orPort, dirPort, ...keys };
    }),
  );
  if (o.signal?.aborted) throw aborted('tor network start');
  const keysMs = now() - started;
  log(`tor_keygen_ms: ${keysMs}`);

  const nodes: TorNode[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };

  // Wakes the consensus wait on authority log lines about votes/consensus (event-driven); the
  // periodic fallback only bounds the wait if tor's wording changes.
  let wake: (() => void) | undefined;
  const offset = votingStartOffset(now() / 1000, o.votingLeadSeconds ?? 8, Math.min(timings.initialVotingInterval, timings.votingInterval));
  try {
    for (const s of specs) {
      if (o.signal?.aborted) throw aborted('tor network start');
      const common = { nickname: s.nickname, role: s.role, dataDir: s.dataDir, orPort: s.orPort, dirPort: s.dirPort, owningPid: process.pid, authorities, geoipFile: empty };
      const torrc = s.role === 'authority' ? authorityTorrc(common, timings, offset) : relayTorrc(common);
      nodes.push(
        await TorNode.start({
          nickname: s.nickname, role: s.role, torPath, dataDir: s.dataDir, torrc, defaultsTorrc: empty,
          onLine: s.role === 'authority' ? (line) => { if (/consensus/i.test(line)) wake?.(); } : undefined,
        }),
      );
    }
    await waitForConsensus();
  } catch (err) {
    await stopAll();
    throw err;
  }
  const bootMs = now() - started;

  async function waitForConsensus(): Promise<void> {
    const timeoutMs = o.consensusTimeoutMs ?? 60_000;
    const everyone = specs.map((s) => s.nickname);
    const deadline = now() + timeoutMs;
    let lastSeen = 'nothing fetched yet';
    const allListed = async (): Promise<boolean> => {
      const results = await Promise.all(
        authorities.map(async (a) => {
          const doc = await fetchDirDocument(a.dirPort, CONSENSUS_PATH, 2000);
          if (doc === null) return false;
          const running = runningRouters(doc);
          lastSeen = `${a.nickname} lists ${[...running].sort().join(',') || 'none'}`;
          return everyone.every((n) => running.has(n));
        }),
      );
      return results.every(Boolean);
    };
    while (true) {
      for (const n of nodes) {
        if (!n.running) {
          const { code, signal } = await n.exited;
          throw torExited(n.nickname, code, signal, n.tail());
        }
      }
      if (o.signal?.aborted) throw aborted('tor network start');
      if (await allListed()) return;
      const left = deadline - now();
      if (left <= 0) throw consensusTimeout(timeoutMs, lastSeen);
      await new Promise<void>((res) => {
        const done = (): void => {
          clearTimeout(timer);
          wake = undefined;
          o.signal?.removeEventListener('abort', done);
          for (const n of nodes) n.child.removeListener('exit', done);
          res();
        };
        const timer = setTimeout(done, Math.min(left, o.consensusCheckMs ?? 1000));
        wake = done;
        o.signal?.addEventListener('abort', done, { once: true });
        for (const n of nodes) n.child.once('exit', done);
      });
    }
  }

  const publicNodes: TorNetworkNode[] = specs.map((s, i) => ({
    nickname: s.nickname, role: s.role, pid: nodes[i]?.pid, orPort: s.orPort, dataDir: s.dataDir,
    ...(s.dirPort !== undefined ? { dirPort: s.dirPort } : {}),
  }));
  let stopping: Promise<void> | undefined;
  return {
    dir,
    nodes: publicNodes,
    authorities,
    bootMs,
    clientTorrc: () => networkLines(authorities, empty),
    rssBytes: async () => {
      const sizes = await Promise.all(nodes.filter((n) => n.running).map((n) => processRssBytes(n.pid)));
      return sizes.reduce((a, b) => a + b, 0);
    },
    stop: () => (stopping ??= stopAll()),
  };
}

export type { TestbedError };
