// Keyed BLAKE2b is the only KDF and hash in Sotto's formats (DESIGN D4): one primitive, and the
// key argument separates secrets while an ASCII label separates purposes.
import { utf8Encode } from './bytes.ts';
import { sodium } from './sodium.ts';

/** BLAKE2b with a 16..64-byte key (or none), `length` bytes of output. */
export function blake2b(length: number, message: Uint8Array, key: Uint8Array | null = null): Uint8Array {
  return sodium().crypto_generichash(length, message, key);
}

/** Domain label bytes (ASCII). Every label is followed by fixed-length fields, so inputs of two purposes never coincide. */
export function label(text: string): Uint8Array {
  return utf8Encode(text);
}
