// Which networks a profile can choose in this app (networkChoices): the local sandbox only where
// the app was started with a test network, never in an installed app (docs/ARCHITECTURE.md
// "Network settings"). Null until the host answers.
import { useEffect, useState } from 'react';
import { api } from '../ipc/api.ts';
import { unwrap } from '../ipc/call.ts';
import type { NetworkChoices } from '../ipc/contract.ts';

export function useNetworkChoices(): NetworkChoices | null {
  const [choices, setChoices] = useState<NetworkChoices | null>(null);
  useEffect(() => {
    let live = true;
    // Should the question fail, both are offered: the host refuses a sandbox it has not (NO_SANDBOX).
    unwrap(api().networkChoices()).then((c) => { if (live) setChoices(c); }, () => { if (live) setChoices({ sandbox: true }); });
    return () => { live = false; };
  }, []);
  return choices;
}
