// torrc builders for the private loopback Tor network. Pure: every port, path, pid and clock
// value comes in as an argument. Option choices are the ones measured in
// docs/ARCHITECTURE.md "Testbed" (measured options) (boot in ~8 s instead of chutney's 25-50 s); each is explained
// where it is set.

export type TorNodeRole = 'authority' | 'exit' | 'relay';

export interface AuthorityIdentity {
  nickname: string;
  orPort: number;
  dirPort: number;
  /** RSA identity fingerprint of the relay key, 40 hex digits. */
  fingerprint: string;
  /** fingerprint of the authority identity key (tor-gencert certificate), 40 hex digits. */
  v3ident: string;
}

export interface NetworkTimings {
  /** Seconds between votes before the first consensus exists (TESTBED-NOTES: 8). */
  initialVotingInterval: number;
  /** Seconds between votes afterwards (TESTBED-NOTES: 10). */
  votingInterval: number;
  /** Vote and distribution delay, seconds (TESTBED-NOTES: 2). */
  voteDelay: number;
}

export const DEFAULT_TIMINGS: NetworkTimings = { initialVotingInterval: 8, votingInterval: 10, voteDelay: 2 };

export function dirAuthorityLine(a: AuthorityIdentity): string {
  return `DirAuthority ${a.nickname} orport=${a.orPort} no-v2 v3ident=${a.v3ident} 127.0.0.1:${a.dirPort} ${a.fingerprint}`;
}

/** Lines every tor in the network needs, clients included. */
export function networkLines(authorities: readonly AuthorityIdentity[], geoipFile: string): string[] {
  return [
    // Shrinks every directory delay and lets relays use 127.0.0.1 (tor man page, TestingTorNetwork).
    'TestingTorNetwork 1',
    ...authorities.map(dirAuthorityLine),
    // 2 of 3 relays usable is enough to build circuits (default 0.6 of a real network's bandwidth
    // made clients wait for descriptors of every relay).
    'PathsNeededToBuildCircuits 0.67',
    // An empty GeoIP file saves ~1.5 s CPU and ~35 MB per process (measured).
    `GeoIPFile ${geoipFile}`,
    `GeoIPv6File ${geoipFile}`,
    // KIST adds ~15 ms per round trip on loopback (measured).
    'Schedulers Vanilla',
  ];
}

export interface ServerNodeOptions {
  nickname: string;
  role: TorNodeRole;
  dataDir: string;
  orPort: number;
  /** Only authorities serve a DirPort (relays run with DirCache 0). */
  dirPort?: number;
  /** pid of the host process: tor exits on its own if the host dies (polled every 15 s). */
  owningPid: number;
  authorities: readonly AuthorityIdentity[];
  geoipFile: string;
}

function serverLines(o: ServerNodeOptions): string[] {
  return [
    ...networkLines(o.authorities, o.geoipFile),
    `DataDirectory ${o.dataDir}`,
    `Nickname ${o.nickname}`,
    'ContactInfo sotto-testbed',
    'Address 127.0.0.1',
    `ORPort 127.0.0.1:${o.orPort}`,
    'SocksPort 0',
    // Relays believe they are reachable at once; without it the self-test costs +12-22 s.
    'AssumeReachable 1',
    // Teardown must be immediate: a relay otherwise waits 30 s for circuits to drain.
    'ShutdownWaitLength 0',
    'RunAsDaemon 0',
    'Log notice stdout',
    `__OwningControllerProcess ${o.owningPid}`,
  ];
}

/**
 * @param votingStartOffset TestingV3AuthVotingStartOffset in seconds; computed from the clock at
 * spawn time so the first vote falls after the relays uploaded their descriptors (an authority
 * started inside a voting window votes on an empty network and costs one interval, +10 s).
 */
export function authorityTorrc(o: ServerNodeOptions, timings: NetworkTimings, votingStartOffset: number): string[] {
  if (o.dirPort === undefined) throw new RangeError('an authority needs a DirPort');
  return [
    ...serverLines(o),
    `DirPort 127.0.0.1:${o.dirPort}`,
    'AuthoritativeDirectory 1',
    'V3AuthoritativeDirectory 1',
    'ExitPolicy reject *:*',
    `TestingV3AuthInitialVotingInterval ${timings.initialVotingInterval}`,
    `V3AuthVotingInterval ${timings.votingInterval}`,
    `TestingV3AuthInitialVoteDelay ${timings.voteDelay}`,
    `TestingV3AuthInitialDistDelay ${timings.voteDelay}`,
    `V3AuthVoteDelay ${timings.voteDelay}`,
    `V3AuthDistDelay ${timings.voteDelay}`,
    `TestingV3AuthVotingStartOffset ${votingStartOffset}`,
    // Every relay gets Exit/Guard at once: a 6-node network has no history to earn them.
    'TestingDirAuthVoteExit *',
    'TestingDirAuthVoteGuard *',
    'TestingMinExitFlagThreshold 0',
    // Not TestingDirAuthVoteHSDir: relays run with DirCache 0 and cannot store descriptors, so
    // forcing HSDir on them makes onion descriptor uploads hang (TESTBED-NOTES).
  ];
}

export function relayTorrc(o: ServerNodeOptions): string[] {
  const exit = o.role === 'exit';
  return [
    ...serverLines(o),
    // A relay acting as a directory cache may lack microdescriptors and answer clients with 404
    // (they then wait 10 s): only the authorities serve directory documents.
    'DirCache 0',
    ...(exit
      ? [
          'ExitRelay 1',
          // Loopback only: the testbed must never carry traffic off this machine.
          'ExitPolicy accept 127.0.0.0/8:*',
          'ExitPolicy reject *:*',
          'ExitPolicyRejectPrivate 0',
          'ExitPolicyRejectLocalInterfaces 0',
          // No resolver on these machines: do not read /etc/resolv.conf or probe for hijacking.
          'ServerDNSResolvConfFile /dev/null',
          'ServerDNSDetectHijacking 0',
          'ServerDNSAllowBrokenConfig 1',
        ]
      : ['ExitRelay 0', 'ExitPolicy reject *:*']),
  ];
}

/**
 * TestingV3AuthVotingStartOffset so that the first consensus becomes valid `leadSeconds` after
 * `nowSeconds`. Tor aligns valid-after times to midnight UTC + k * interval + offset (dirvote
 * voting_sched_get_start_of_interval_after), and refuses an offset above the interval.
 */
export function votingStartOffset(nowSeconds: number, leadSeconds: number, interval: number): number {
  const target = Math.floor(nowSeconds) + leadSeconds;
  const secondsIntoDay = ((target % 86400) + 86400) % 86400;
  return secondsIntoDay % interval;
}

export function renderTorrc(lines: readonly string[]): string {
  return lines.join('\n') + '\n';
}
