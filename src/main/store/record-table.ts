// A table of records addressed by a string id (contacts, invitations). The id itself is inside
// the ciphertext; the row key is an opaque reference (crypto.ts `ref`), so a disk reader sees only
// how many rows there are.
import type { z } from 'zod';
import { transaction } from './database.ts';
import { StoreError } from './errors.ts';
import { checkId, checkInput, checkStored } from './records.ts';
import { bytesColumn, type Session, type WithSession } from './session.ts';

export type RecordTableName = 'contacts' | 'invitations';

export interface RecordEntry<T> {
  readonly id: string;
  readonly record: T;
}

export class RecordTable<T extends object> {
  readonly #table: RecordTableName;
  readonly #what: string;
  readonly #schema: z.ZodType<T>;
  readonly #withSession: WithSession;

  constructor(table: RecordTableName, what: string, schema: z.ZodType<T>, withSession: WithSession) {
    this.#table = table;
    this.#what = what;
    this.#schema = schema;
    this.#withSession = withSession;
  }

  /** Inserts or replaces the record under `id`; committed when the promise resolves. */
  async put(id: string, record: T): Promise<void> {
    checkId(id, `${this.#what} id`);
    const valid = checkInput(this.#schema, record, this.#what);
    this.#withSession((s) => transaction(s.db, () => this.#write(s, id, valid)));
  }

  async get(id: string): Promise<T | undefined> {
    checkId(id, `${this.#what} id`);
    return this.#withSession((s) => this.#read(s, id));
  }

  /** Applies a shallow patch to an existing record and returns the result; NOT_FOUND if absent. */
  async update(id: string, patch: Partial<T>): Promise<T> {
    checkId(id, `${this.#what} id`);
    if (typeof patch !== 'object' || patch === null) throw StoreError.INVALID_ARGUMENT(`${this.#what} patch must be an object`);
    return this.#withSession((s) => transaction(s.db, () => {
      const current = this.#read(s, id);
      if (current === undefined) throw StoreError.NOT_FOUND(`${this.#what} ${id}`);
      const next = checkInput(this.#schema, { ...current, ...patch }, this.#what);
      this.#write(s, id, next);
      return next;
    }));
  }

  /** Returns false when there was nothing to delete. */
  async delete(id: string): Promise<boolean> {
    checkId(id, `${this.#what} id`);
    return this.#withSession((s) => transaction(s.db, () =>
      s.db.run(`DELETE FROM ${this.#table} WHERE ref = ?`, [s.cipher.ref(this.#table, id)]).changes > 0));
  }

  /** Every record, sorted by id (row order on disk is the order of opaque references). */
  async list(): Promise<RecordEntry<T>[]> {
    return this.#withSession((s) => {
      const rows = s.db.all(`SELECT ref, box FROM ${this.#table}`);
      const entries = rows.map((row) => this.#decode(s, bytesColumn(row.ref) ?? new Uint8Array(0), row.box));
      return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  #write(s: Session, id: string, record: T): void {
    const ref = s.cipher.ref(this.#table, id);
    const box = s.cipher.seal(this.#table, [ref], { id, record });
    s.db.run(`INSERT INTO ${this.#table} (ref, box) VALUES (?, ?) ON CONFLICT (ref) DO UPDATE SET box = excluded.box`, [ref, box]);
  }

  #read(s: Session, id: string): T | undefined {
    const ref = s.cipher.ref(this.#table, id);
    const row = s.db.get(`SELECT box FROM ${this.#table} WHERE ref = ?`, [ref]);
    if (row === null) return undefined;
    const entry = this.#decode(s, ref, row.box);
    if (entry.id !== id) throw StoreError.CORRUPT(`${this.#table} row holds another id`);
    return entry.record;
  }

  #decode(s: Session, ref: Uint8Array, box: unknown): RecordEntry<T> {
    const plain = s.cipher.open(this.#table, [ref], box) as { id?: unknown; record?: unknown } | null;
    const id = typeof plain?.id === 'string' ? plain.id : undefined;
    if (id === undefined) throw StoreError.CORRUPT(`${this.#table} row without an id`);
    return { id, record: checkStored(this.#schema, plain?.record, this.#what) };
  }
}
