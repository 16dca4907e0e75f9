// SAFECOOKIE authentication (control-spec 3.24 AUTHCHALLENGE). Both hashes are HMAC-SHA256 over
// CookieString | ClientNonce | ServerNonce with the spec's fixed keys. The server proves it knows
// the cookie before we reveal anything derived from it, so a process that grabbed the control port
// (or tricked us into reading some other file as "the cookie") learns nothing useful.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SERVER_TO_CONTROLLER = 'Tor safe cookie authentication server-to-controller hash';
const CONTROLLER_TO_SERVER = 'Tor safe cookie authentication controller-to-server hash';

export const COOKIE_LENGTH = 32;
export const NONCE_LENGTH = 32;

function hmac(key: string, cookie: Uint8Array, clientNonce: Uint8Array, serverNonce: Uint8Array): Buffer {
  return createHmac('sha256', key).update(cookie).update(clientNonce).update(serverNonce).digest();
}

export function safeCookieServerHash(cookie: Uint8Array, clientNonce: Uint8Array, serverNonce: Uint8Array): Buffer {
  return hmac(SERVER_TO_CONTROLLER, cookie, clientNonce, serverNonce);
}

export function safeCookieClientHash(cookie: Uint8Array, clientNonce: Uint8Array, serverNonce: Uint8Array): Buffer {
  return hmac(CONTROLLER_TO_SERVER, cookie, clientNonce, serverNonce);
}

export function verifyServerHash(expected: Uint8Array, received: Uint8Array): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}
