// hyperdht ships no types; this declares only the part of `hyperdht/testnet` the testbed uses.
declare module 'hyperdht/testnet' {
  interface TestnetNode {
    address(): { host: string; port: number };
    destroy(): Promise<void>;
    destroyed: boolean;
  }
  interface Testnet {
    nodes: TestnetNode[];
    bootstrap: { host: string; port: number }[];
    destroy(): Promise<void>;
  }
  export default function createTestnet(size?: number, opts?: { host?: string; port?: number }): Promise<Testnet>;
}
