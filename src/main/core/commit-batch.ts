// Group commit (issue 11 item 2): items that arrive in the same turn of the event loop (a burst of
// message or ack frames decoded from one read) are handed to `commit` together, so the store
// writes them in one transaction. A lone item waits only for the end of the current turn. Commits
// run one at a time, in arrival order. Work nobody waits on (bookkeeping after the round trip)
// can gather over a short window instead (`afterMs`): fewer transactions under bursts, and none
// run in the moment the link has just written and its answer is on the way.

export interface CommitBatchOptions<T> {
  commit(items: T[]): Promise<void>;
  onError(err: Error): void;
  /** Runs `fn` after the current turn; default setImmediate (I/O callbacks of the turn come first). */
  defer?: (fn: () => void) => void;
}

/**
 * A `defer` that gathers what arrives within `ms`. A referenced timer, not the core's Clock (whose
 * timers are unref'd): a pending commit holds the process for its window, so a quit or a test that
 * awaits settled() does not end with the commit still waiting.
 */
export function afterMs(ms: number): (fn: () => void) => void {
  return (fn) => { setTimeout(fn, ms); };
}

export class CommitBatch<T> {
  readonly #o: CommitBatchOptions<T>;
  readonly #defer: (fn: () => void) => void;
  #items: T[] = [];
  #scheduled = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(o: CommitBatchOptions<T>) {
    this.#o = o;
    this.#defer = o.defer ?? ((fn) => { setImmediate(fn); });
  }

  add(item: T): void {
    this.#items.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#defer(() => {
      this.#scheduled = false;
      const items = this.#items;
      this.#items = [];
      this.#chain = this.#chain.then(() => this.#o.commit(items)).catch((err: Error) => this.#o.onError(err));
    });
  }

  /** Resolves once everything added so far is committed (or failed and reported). */
  async settled(): Promise<void> {
    while (this.#scheduled) await new Promise<void>((resolve) => this.#defer(resolve));
    await this.#chain;
  }
}
