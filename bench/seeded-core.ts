// What the many-contact benchmarks share (contacts500, idle100): a profile seeded directly in the
// store with N confirmed contacts whose keys the benchmark knows (it plays them from outside), and
// a core run in a child process (its CPU and RSS are the core's alone) driven by IPC messages.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { identityFromSeed, roleOf, toHex, type Identity } from '../src/protocol/index.ts';
import { createProfile, KDF_MINIMAL_FOR_TESTS } from '../src/main/store/index.ts';

export interface SeededPeer {
  id: string;
  name: string;
  identity: Identity;
  sharedKey: Uint8Array;
  /** The core's role in this pairing (the peer's is the other one). */
  coreRole: 0 | 1;
}

/**
 * Creates the profile at `dir` with `count` confirmed, visible contacts: each its own identity (seed
 * from its index and `tag`, so two benchmarks' peers differ) and a K_AB from node's CSPRNG.
 */
export async function seedContacts(dir: string, o: { name: string; passphrase: string; count: number; tag: number }): Promise<{ me: Identity; peers: SeededPeer[] }> {
  const store = await createProfile(dir, { name: o.name, passphrase: o.passphrase, kdf: KDF_MINIMAL_FOR_TESTS });
  const me = identityFromSeed((await store.identity()).seed);
  const peers = Array.from({ length: o.count }, (_, i): SeededPeer => {
    const peerSeed = new Uint8Array(32);
    new DataView(peerSeed.buffer).setUint32(0, i + 1);
    peerSeed[31] = o.tag;
    const identity = identityFromSeed(peerSeed);
    return { id: toHex(peerSeed.subarray(0, 16)), name: `peer ${i + 1}`, identity, sharedKey: new Uint8Array(randomBytes(32)), coreRole: roleOf(me.publicKey, identity.publicKey) };
  });
  for (const p of peers) {
    await store.contacts.put(p.id, {
      nickname: p.name, identityPk: toHex(p.identity.publicKey), sharedKey: toHex(p.sharedKey), phase: 'confirmed',
      visible: true, verified: false, receipts: false, typing: false, createdAt: Date.now(),
    });
  }
  store.lock();
  return { me, peers };
}

/** Messages from the child: each has a type; 'failed' answers whatever was being waited for. */
export type ChildMessage = { type: string } | { type: 'failed'; message: string };

export interface CoreChild<To extends object, From extends ChildMessage> {
  child: ChildProcess;
  tell(m: To): void;
  /** The next message of `type` (or a 'failed'), already received or still to come. */
  next(type: From['type'], timeoutMs: number): Promise<From>;
  /** Asks the child to close and waits for it to exit (killed after 30 s). */
  close(closeMessage: To): Promise<void>;
}

/**
 * Runs `file` (the benchmark itself, which takes `args` as its child role) in a child process: a
 * .ts file through tsx, a bundle from bench/bundle.ts on plain node.
 */
export function forkCore<To extends object, From extends ChildMessage>(file: string, args: string[]): CoreChild<To, From> {
  const execArgv = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = fork(file, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: From[] = [];
  const waiters: { type: From['type']; resolve: (m: From) => void }[] = [];
  child.on('message', (m: From) => {
    const w = waiters.findIndex((x) => x.type === m.type || m.type === 'failed');
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(m); else inbox.push(m);
  });
  return {
    child,
    tell: (m) => { child.send(m); },
    next(type, timeoutMs) {
      const i = inbox.findIndex((m) => m.type === type || m.type === 'failed');
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`core: no ${type} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ type, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      });
    },
    close(closeMessage) {
      child.send(closeMessage);
      return new Promise<void>((resolve) => { child.once('exit', () => resolve()); setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 30_000).unref(); });
    },
  };
}
