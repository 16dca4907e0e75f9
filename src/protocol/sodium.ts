// The one libsodium instance (WASM, sumo build so Argon2id is available to src/main/store).
// `ready()` is the only async step of src/protocol; every other function is synchronous and
// throws NOT_READY instead of libsodium's opaque error when called too early.
import sodiumModule from 'libsodium-wrappers-sumo';
import { ProtocolError } from './errors.ts';

export type Sodium = typeof sodiumModule;

let initialised = false;

export async function ready(): Promise<void> {
  await sodiumModule.ready;
  initialised = true;
}

export function sodium(): Sodium {
  if (!initialised) throw ProtocolError.NOT_READY();
  return sodiumModule;
}
