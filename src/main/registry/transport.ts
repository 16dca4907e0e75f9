// What the registry client needs from "the DHT": put one record that the client already signed,
// and get a batch of records by public key. Two implementations: gateway-transport.ts (default,
// HTTP JSON to gateways reached over Tor) and direct-transport.ts (development only: leaks the IP).

/** A hyperdht mutable record, signed by the client (DESIGN.md D4); the gateway cannot forge it. */
export interface SignedRecord {
  publicKey: Uint8Array; // 32 bytes, ed25519
  seq: number; // unix ms at publication, strictly increasing per key
  value: Uint8Array; // REGISTRY_VALUE_SIZE bytes, sealed or dummy
  signature: Uint8Array; // 64 bytes over hyperdht's mutable signable(seq, value)
}

export interface PutOptions {
  signal?: AbortSignal;
  /**
   * Which replica this is (the replica index I). Transports with several access points send
   * replicas I = 0, 1, 2 of one entry to different ones, so a single gateway that acknowledges puts
   * and stores nothing cannot make every replica of an entry vanish (paper 4.5, registry DoS).
   */
  spread?: number;
  /**
   * A put someone waits for (a quit's, a hide's, a decoy's, an urgent write's, a tombstone's:
   * PublisherTimings hedgeMs in src/main/registry/publisher.ts): when it is not acknowledged
   * within this long, the record also goes to the next access point, the first request staying
   * in flight; the first acknowledgement wins and the other request is cut. A Tor stream that
   * stalls silently (connect fine, no answer: about one in 50-150 under load on the testbed)
   * would otherwise hold the put until the transport's timeout, long after anyone waiting gave up.
   */
  hedgeAfterMs?: number;
}

export interface RegistryTransport {
  /** Stores one signed record. Rejects with a RegistryError when no gateway accepted it. */
  put(record: SignedRecord, opts?: PutOptions): Promise<void>;
  /**
   * Fetches the newest record for every key, in the same order; null where none exists. Every
   * returned record has been verified (signature, key equals the one asked for).
   */
  get(publicKeys: Uint8Array[], signal?: AbortSignal): Promise<(SignedRecord | null)[]>;
  close(): Promise<void>;
}

export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** Matches the gateway's cap on one batched get (docs/ARCHITECTURE.md, `POST /v1/get`). */
export const MAX_KEYS_PER_GET = 12;

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
