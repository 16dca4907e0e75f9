// Refuses oversized messages before secret-stream buffers them. secret-stream frames every
// message on the raw stream as u24le length || ciphertext and will allocate up to 16 MiB for one
// message before anyone can look at it; a hostile or broken peer could make each link hold that
// much. This guard reads the same length prefixes off the raw stream and reports the first one
// over the limit, so the link is destroyed with LINK_FRAME_TOO_LARGE instead.
import type { EventEmitter } from 'node:events';

/** secret-stream's per-message overhead: libsodium secretstream tag + MAC (ABYTES). */
export const SECRET_STREAM_OVERHEAD = 17;

export interface RawGuardOptions {
  /** Largest acceptable raw message body (ciphertext), in bytes. */
  limit: number;
  onOversize(size: number): void;
}

/**
 * Watches `raw` ('data' events of Uint8Array chunks). The guard must see every chunk the
 * secret stream sees, in order and first, so it attaches itself at the moment the secret stream
 * adds its own 'data' listener (secret-stream does that asynchronously in its open step; adding
 * ours earlier would switch the socket to flowing mode while nobody else listens, losing data).
 * Returns a function that detaches the guard.
 */
export function guardRawMessages(raw: EventEmitter, opts: RawGuardOptions): () => void {
  let header = 0;
  let headerBytes = 0;
  let skip = 0;
  let attached = false;
  let done = false;

  const onData = (chunk: Uint8Array): void => {
    let i = 0;
    while (i < chunk.length && !done) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        i += n;
        skip -= n;
        continue;
      }
      header += (chunk[i] as number) * 2 ** (8 * headerBytes);
      headerBytes++;
      i++;
      if (headerBytes === 3) {
        if (header > opts.limit) {
          detach();
          opts.onOversize(header);
          return;
        }
        skip = header;
        header = 0;
        headerBytes = 0;
      }
    }
  };

  const onNewListener = (event: string | symbol, listener: unknown): void => {
    if (event !== 'data' || listener === onData || attached) return;
    attached = true;
    raw.removeListener('newListener', onNewListener);
    raw.on('data', onData); // runs before the listener being added right now
  };

  function detach(): void {
    done = true;
    raw.removeListener('newListener', onNewListener);
    raw.removeListener('data', onData);
  }

  raw.on('newListener', onNewListener);
  return detach;
}
