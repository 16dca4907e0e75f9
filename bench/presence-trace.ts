// Per-phase timestamps of one core's start, for bench/core.bench.ts (issue 11 item 1: where the time
// to presence goes). Wraps the real services the core runs with (wiring.ts realServices) at the
// port boundary (ports.ts): nothing is replaced, every call goes to the real tor, registry and links;
// the wrapper only notes performance.now() the first time each phase happens.
import type { CoreServicesFactory } from '../src/main/core/sotto-core.ts';
import type { LinkFactory, RegistryPort, TorPort } from '../src/main/core/ports.ts';

export type Phase =
  | 'tor ready' | 'registry started' | 'first sighting' | 'entry found' | 'dial started' | 'onion connected'
  | 'link up (dialed)' | 'link up (accepted)' | 'own endpoint uploaded';

/** First time of each phase since the last `reset()`. */
export class PhaseTrace {
  readonly at = new Map<Phase, number>();
  mark(phase: Phase): void {
    if (!this.at.has(phase)) this.at.set(phase, performance.now());
  }
  reset(): void { this.at.clear(); }
}

/** The same services, with the phases of `trace` noted on the way. */
export function traced(factory: CoreServicesFactory, trace: PhaseTrace): CoreServicesFactory {
  return async (ctx) => {
    const s = await factory(ctx);
    const tor: TorPort = {
      start: async (onProgress) => { await s.tor.start(onProgress); trace.mark('tor ready'); },
      onRestart: (l) => s.tor.onRestart(l),
      addEndpoint: async (o) => { const r = await s.tor.addEndpoint(o); trace.mark('own endpoint uploaded'); return r; },
      removeEndpoint: (onion) => s.tor.removeEndpoint(onion),
      connect: async (o) => { trace.mark('dial started'); const r = await s.tor.connect(o); trace.mark('onion connected'); return r; },
      forgetClientAuth: (onion) => s.tor.forgetClientAuth(onion),
      stop: () => s.tor.stop(),
    };
    const registry: RegistryPort = {
      publish: (p, v) => s.registry.publish(p, v),
      drop: (id) => s.registry.drop(id),
      watch: (p, listener, o) => s.registry.watch(p, (entry) => {
        // The first answer of a sweep for this pairing: a batch's first-sighting, or the sweep's end.
        trace.mark('first sighting');
        if (entry && !entry.gone) trace.mark('entry found');
        listener(entry);
      }, o),
      setLinked: (id, linked) => s.registry.setLinked(id, linked),
      // The adapter starts the schedule (first sweep) here once tor is up (wiring.ts RegistryAdapter).
      registeredAll: () => { trace.mark('registry started'); s.registry.registeredAll?.(); },
      stop: (o) => s.registry.stop(o),
    };
    const links: LinkFactory = {
      open: async (o) => {
        const link = await s.links.open(o);
        trace.mark(o.initiator ? 'link up (dialed)' : 'link up (accepted)');
        return link;
      },
    };
    return { tor, registry, links };
  };
}
