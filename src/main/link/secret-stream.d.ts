// Types for the part of @hyperswarm/secret-stream 6.x (CommonJS, untyped) that links use.
// The stream is a streamx Duplex: one write() is one encrypted message, one 'data' event is one
// decrypted message (messages are never merged or split).
declare module '@hyperswarm/secret-stream' {
  import { EventEmitter } from 'node:events';

  interface NoiseKeyPair { publicKey: Uint8Array; secretKey: Uint8Array }

  interface NoiseSecretStreamOptions {
    pattern?: string;
    remotePublicKey?: Uint8Array;
    keyPair?: NoiseKeyPair;
    autoStart?: boolean;
    keepAlive?: number;
  }

  class NoiseSecretStream extends EventEmitter {
    constructor(isInitiator: boolean, rawStream?: unknown, opts?: NoiseSecretStreamOptions);
    readonly isInitiator: boolean;
    readonly publicKey: Uint8Array | null;
    readonly remotePublicKey: Uint8Array | null;
    readonly handshakeHash: Uint8Array | null;
    readonly connected: boolean;
    readonly destroying: boolean;
    readonly destroyed: boolean;
    readonly rawBytesWritten: number;
    readonly rawBytesRead: number;
    readonly opened: Promise<boolean>;
    write(data: Uint8Array): boolean;
    end(): this;
    destroy(err?: Error | null): void;
    pause(): this;
    resume(): this;
    static keyPair(seed?: Uint8Array): NoiseKeyPair;
  }

  export = NoiseSecretStream;
}
