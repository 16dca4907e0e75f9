// Argon2id off the main thread (issue 11 item 5): INTERACTIVE costs 177-370 ms of CPU here, which
// on the main thread froze the event loop (IPC, links, timers) for as long. Each derivation gets a
// short-lived worker thread (none is kept while idle) that loads libsodium itself and derives the
// same key as crypto.ts deriveKek.
//
// The worker's code is a string (eval) that requires libsodium by the absolute path resolved here,
// so it needs no file of its own in a bundle (scripts/build-electron.mjs bundles the main process
// into one file). Where a worker cannot start or load libsodium (a packaging that hides the module
// from workers), the derivation runs on this thread as before: slower to the user, same key.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { deriveKek, KEY_BYTES, type KdfParams } from './crypto.ts';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodium);
sodium.ready.then(() => {
  const { passphrase, salt, opslimit, memlimit, keyBytes } = workerData.job;
  let key;
  try {
    key = sodium.crypto_pwhash(keyBytes, passphrase, salt, opslimit, memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    sodium.memzero(passphrase);
  }
  parentPort.postMessage(key, [key.buffer]);
});
`;

/** Where the worker found out it cannot run (module missing, no workers): derive here instead. */
class WorkerUnavailable extends Error {}

let sodiumPath: string | null | undefined;
function resolveSodium(): string | null {
  if (sodiumPath === undefined) {
    try {
      sodiumPath = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo');
    } catch {
      sodiumPath = null;
    }
  }
  return sodiumPath;
}

export interface KdfRunOptions {
  /** false: derive on this thread (tests compare the two). Default true. */
  offThread?: boolean;
}

/** crypto.ts deriveKek, in a worker thread; resolves with the 32-byte KEK. */
export async function deriveKekOffThread(passphrase: Uint8Array, params: KdfParams, opts: KdfRunOptions = {}): Promise<Uint8Array> {
  const sodium = opts.offThread === false ? null : resolveSodium();
  if (sodium === null) return deriveKek(passphrase, params);
  try {
    return await inWorker(sodium, passphrase, params);
  } catch (err) {
    if (err instanceof WorkerUnavailable) return deriveKek(passphrase, params);
    throw err;
  }
}

function inWorker(sodium: string, passphrase: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // The passphrase is copied into the worker, which wipes its copy after use.
        workerData: {
          sodium,
          job: { passphrase: Uint8Array.from(passphrase), salt: Uint8Array.from(params.salt), opslimit: params.opslimit, memlimit: params.memlimit, keyBytes: KEY_BYTES },
        },
      });
    } catch (err) {
      reject(new WorkerUnavailable(String(err)));
      return;
    }
    let settled = false;
    worker.once('message', (key: unknown) => {
      settled = true;
      if (key instanceof Uint8Array && key.length === KEY_BYTES) resolve(key);
      else reject(new WorkerUnavailable('the KDF worker answered with something else than a key'));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      // A worker that could not load libsodium fails before any answer: fall back to this thread.
      reject(new WorkerUnavailable(err.message));
    });
    worker.once('exit', (code) => {
      if (!settled) {
        settled = true;
        reject(new WorkerUnavailable(`the KDF worker exited with ${code}`));
      }
    });
  });
}
