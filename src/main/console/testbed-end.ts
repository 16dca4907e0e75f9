// The end of a testbed another process owns, for any host of a profile (issue 9 item 8): the
// gateways live in the process that started the testbed (testbed-host.ts), so when that console
// or app quits, every other one runs on a dead network and, left alone, learns it only from a
// gateway timeout about 30 s later. watchTestbed notices within two failed health checks; this
// wires it to a testbed that may still be attaching and names the end for the person and the log.
import { watchTestbed, type AttachedTestbed } from './testbed-host.ts';

export interface TestbedEnd {
  code: 'TESTBED_GONE';
  /** For the person: what happened and what to do. */
  message: string;
  /** For the debug log: which testbed, which gateways. */
  detail: string;
}

export interface TestbedEndOptions {
  /** Pause between health checks (default 2 s; two failed checks in a row are the end). */
  intervalMs?: number;
  onEnd(end: TestbedEnd): void;
}

export const TESTBED_GONE_WORDS = 'The local test network has stopped: the Sotto window or console that started it was closed. '
  + 'Your contacts cannot reach you now. Close Sotto and start it again.';

/**
 * Watches `testbed` once it is attached, unless this process owns it (it ends with us). Returns
 * the stop function, which also holds when the attach has not finished (or failed).
 */
export function watchTestbedEnd(testbed: Promise<AttachedTestbed>, o: TestbedEndOptions): () => void {
  let stopped = false;
  let unwatch: (() => void) | null = null;
  testbed.then((tb) => {
    if (stopped || tb.owned) return;
    const urls = tb.description.gateways.map((g) => g.url).join(', ');
    unwatch = watchTestbed(tb.description, {
      intervalMs: o.intervalMs ?? 2_000,
      onGone: () => o.onEnd({ code: 'TESTBED_GONE', message: TESTBED_GONE_WORDS, detail: `the gateways of ${tb.descriptionPath} stopped answering (${urls})` }),
    });
  }, () => undefined);
  return () => {
    stopped = true;
    unwatch?.();
  };
}
