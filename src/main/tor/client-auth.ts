// Client side of v3 onion client authorization (control-spec ONION_CLIENT_AUTH_ADD/REMOVE). The
// x25519 secret key here is the one derived from K_AB for the contact's endpoint (DESIGN D5), so
// only that contact's tor can decrypt the endpoint's descriptor.
import type { TorControl, CommandOptions } from './control.ts';
import { assertX25519Key, toServiceId } from './onion-address.ts';
import { TorError } from './errors.ts';

export async function addClientAuth(control: TorControl, serviceId: string, x25519SecretKey: Uint8Array, opts: CommandOptions = {}): Promise<void> {
  const id = toServiceId(serviceId);
  assertX25519Key(x25519SecretKey, 'client-auth secret key');
  // Not Flags=Permanent: keys live in tor's memory only, never in the DataDirectory.
  const key = Buffer.from(x25519SecretKey).toString('base64');
  await control.command(`ONION_CLIENT_AUTH_ADD ${id} x25519:${key}`, opts);
}

/** Removes the key; a key that is not there is not an error (tor answers 251). */
export async function removeClientAuth(control: TorControl, serviceId: string, opts: CommandOptions = {}): Promise<void> {
  const id = toServiceId(serviceId);
  try {
    await control.command(`ONION_CLIENT_AUTH_REMOVE ${id}`, opts);
  } catch (err) {
    if (err instanceof TorError && err.status === 552) return;
    throw err;
  }
}
