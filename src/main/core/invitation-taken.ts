// Both sides of an open invitation's "taken" tombstone (issue 9 item 2, docs/PROTOCOL.md
// "Invitation taken tombstone"). The inviter writes it once when it confirms a redeemer (after that
// nothing under s is refreshed: THREAT-MODEL "Invitation-mail reader"); a redeemer whose
// redemption is pending reads its keys in every lookup sweep and, when a valid one names someone
// else, learns that the link was taken, as a live `decline 01` would have told it.
import {
  equalBytes, isProtocolError, openTakenTombstone, takenRecordKeys, takenRecords, takenRedeemerTag, type Identity,
} from '../../protocol/index.ts';
import type { Clock } from './clock.ts';
import type { RawRecord, RegistryPort } from './ports.ts';

/**
 * The inviter's tombstone for the pair it just confirmed (`sharedKey` = the new K_AB), built while
 * s is still in hand; `write` hands it to the registry (put once, retried a few times).
 */
export function takenTombstone(o: { secret: Uint8Array; inviter: Identity; sharedKey: Uint8Array; clock: Clock }): RawRecord[] {
  const replicas = takenRecordKeys(o.secret).length;
  return takenRecords({
    secret: o.secret, inviter: o.inviter, redeemerTag: takenRedeemerTag(o.sharedKey), seq: o.clock.now(),
    nonces: Array.from({ length: replicas }, () => o.clock.randomBytes(24)),
  });
}

export interface TakenWatch {
  /** Id of the watch in the registry (one per pending redemption). */
  id: string;
  secret: Uint8Array;
  /** The invitation's inviter: the only valid signer. */
  inviter: Uint8Array;
  /** Our K_AB with the inviter: a tombstone with its tag is our own confirmation, not "taken". */
  sharedKey: Uint8Array;
  /** Once, at the first valid tombstone for someone else; the watch has ended by then. */
  onTaken(): void;
}

/**
 * Reads the tombstone keys in every sweep until it ends (returned function), or until a valid
 * tombstone turns up: naming someone else -> onTaken; naming us -> the watch ends quietly (our
 * confirmation arrives over the link under K_AB). Anything that does not open is ignored. Without
 * watchKeys (the in-process test registry) there is nothing to read: a no-op.
 */
export function watchTaken(registry: RegistryPort, w: TakenWatch): () => void {
  if (!registry.watchKeys) return () => undefined;
  const keys = takenRecordKeys(w.secret);
  const ownTag = takenRedeemerTag(w.sharedKey);
  let done = false;
  const stop = registry.watchKeys(w.id, keys, (record) => {
    if (done) return;
    const index = keys.findIndex((k) => equalBytes(k, record.publicKey));
    if (index < 0) return;
    let tag: Uint8Array;
    try {
      tag = openTakenTombstone(record.value, { secret: w.secret, index, inviter: w.inviter }).redeemerTag;
    } catch (err) {
      if (isProtocolError(err)) return; // forged, garbled or noise: changes nothing
      throw err;
    }
    done = true;
    stop();
    if (!equalBytes(tag, ownTag)) w.onTaken();
  });
  return () => { done = true; stop(); };
}
