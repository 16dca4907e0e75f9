// Steps of one journey share people (profiles take a Tor bootstrap each), so a step that fails
// makes the later ones fail at once with a pointer to it instead of each waiting out its timeouts.
import { test } from 'node:test';

export function journey(): (name: string, fn: () => Promise<void>) => void {
  let broken: string | null = null;
  return (name, fn) => {
    test(name, async () => {
      if (broken !== null) throw new Error(`not run: the earlier step "${broken}" failed`);
      try {
        await fn();
      } catch (err) {
        broken = name;
        throw err;
      }
    });
  };
}
