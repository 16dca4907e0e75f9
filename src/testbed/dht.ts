// A real HyperDHT on loopback (hyperdht/testnet: 25 full nodes in one process in ~0.12 s,
// TESTBED-NOTES). Gateways and direct-transport tests bootstrap from its first node.
import createTestnet from 'hyperdht/testnet';

export interface DhtTestnetOptions {
  /** Full nodes; the registry needs 20 storers per record (k = 20), so 20-30. */
  size?: number;
  /** Randomness for choosing which nodes a fault test kills. */
  random?: () => number;
}

export interface DhtTestnet {
  /** "127.0.0.1:port" of the bootstrap node. */
  bootstrap: string[];
  /** Nodes still running. */
  alive(): number;
  /**
   * Destroys round(fraction x size) nodes chosen at random, never the bootstrap node (clients
   * that join later still need it). Returns how many were killed.
   */
  killNodes(fraction: number): Promise<number>;
  destroy(): Promise<void>;
}

export async function startDhtTestnet(o: DhtTestnetOptions = {}): Promise<DhtTestnet> {
  const size = o.size ?? 25;
  const random = o.random ?? Math.random;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`DHT testnet size must be a positive integer, got ${size}`);
  const testnet = await createTestnet(size, { host: '127.0.0.1' });
  const bootstrap = testnet.bootstrap.map((b) => `${b.host}:${b.port}`);
  const first = testnet.nodes[0];
  let destroying: Promise<void> | undefined;

  return {
    bootstrap,
    alive: () => testnet.nodes.filter((n) => !n.destroyed).length,
    async killNodes(fraction) {
      if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`fraction must be in [0, 1], got ${fraction}`);
      const candidates = testnet.nodes.filter((n) => n !== first && !n.destroyed);
      const count = Math.min(candidates.length, Math.round(fraction * size));
      // Fisher-Yates prefix with the injected randomness, so a test can replay a choice.
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(random() * (candidates.length - i));
        const a = candidates[i];
        const b = candidates[j];
        if (a === undefined || b === undefined) break;
        candidates[i] = b;
        candidates[j] = a;
      }
      await Promise.all(candidates.slice(0, count).map((n) => n.destroy()));
      return count;
    },
    destroy: () => (destroying ??= testnet.destroy()),
  };
}
