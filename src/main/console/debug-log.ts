// The console's debug log (<profile>/debug.log): what went wrong in the background, by code, for
// whoever reports a problem. The screen gets user words (format.ts); the codes land here. Without
// --debug only time, code and the contact's short id are written: developer texts can name onion
// addresses and gateways, which a disk reader of the profile should not learn (docs/THREAT-MODEL.md).
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Past this size the log starts over (the previous one is kept as debug.log.1). */
const MAX_BYTES = 1024 * 1024;

export class DebugLog {
  readonly path: string;
  private readonly full: boolean;
  private readonly now: () => number;
  private checked = false;

  constructor(o: { profileDir: string; full: boolean; now?: () => number }) {
    this.path = join(o.profileDir, 'debug.log');
    this.full = o.full;
    this.now = o.now ?? Date.now;
  }

  /** One line; never throws (a full disk must not stop the console). */
  write(code: string, message: string, contactId?: string): void {
    const parts = [new Date(this.now()).toISOString(), code];
    if (contactId) parts.push(`contact=${contactId.slice(0, 8)}`);
    if (this.full) parts.push(JSON.stringify(message));
    try {
      if (!this.checked) {
        this.checked = true;
        mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
        if ((statSync(this.path, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) renameSync(this.path, `${this.path}.1`);
      }
      appendFileSync(this.path, `${parts.join(' ')}\n`, { mode: 0o600 });
    } catch {
      // Nothing to do: the log is a convenience.
    }
  }
}
