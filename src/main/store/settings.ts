// Settings: key -> JSON value, both inside the ciphertext (a setting's name can say a lot, e.g.
// which gateways or SMTP server this user configured).
import { transaction } from './database.ts';
import { StoreError } from './errors.ts';
import { checkId, checkJson, type JsonValue } from './records.ts';
import { bytesColumn, type Session, type WithSession } from './session.ts';

const TABLE = 'settings';

export class Settings {
  readonly #withSession: WithSession;

  constructor(withSession: WithSession) {
    this.#withSession = withSession;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    checkId(key, 'setting key');
    return this.#withSession((s) => {
      const ref = s.cipher.ref(TABLE, key);
      const row = s.db.get('SELECT box FROM settings WHERE ref = ?', [ref]);
      if (row === null) return undefined;
      const entry = decode(s, ref, row.box);
      if (entry.key !== key) throw StoreError.CORRUPT('settings row holds another key');
      return entry.value;
    });
  }

  async set(key: string, value: JsonValue): Promise<void> {
    checkId(key, 'setting key');
    const valid = checkJson(value, `value of setting ${key}`);
    this.#withSession((s) => transaction(s.db, () => {
      const ref = s.cipher.ref(TABLE, key);
      const box = s.cipher.seal(TABLE, [ref], { key, value: valid });
      s.db.run('INSERT INTO settings (ref, box) VALUES (?, ?) ON CONFLICT (ref) DO UPDATE SET box = excluded.box', [ref, box]);
    }));
  }

  async delete(key: string): Promise<boolean> {
    checkId(key, 'setting key');
    return this.#withSession((s) => transaction(s.db, () =>
      s.db.run('DELETE FROM settings WHERE ref = ?', [s.cipher.ref(TABLE, key)]).changes > 0));
  }

  async list(): Promise<Record<string, JsonValue>> {
    return this.#withSession((s) => {
      const out: Record<string, JsonValue> = {};
      for (const row of s.db.all('SELECT ref, box FROM settings')) {
        const entry = decode(s, bytesColumn(row.ref) ?? new Uint8Array(0), row.box);
        out[entry.key] = entry.value;
      }
      return out;
    });
  }
}

function decode(s: Session, ref: Uint8Array, box: unknown): { key: string; value: JsonValue } {
  const plain = s.cipher.open(TABLE, [ref], box) as { key?: unknown; value?: unknown } | null;
  if (typeof plain?.key !== 'string' || !('value' in plain)) throw StoreError.CORRUPT('settings row is malformed');
  return { key: plain.key, value: plain.value as JsonValue };
}
