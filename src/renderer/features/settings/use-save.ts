import { useState } from 'react';
import type { ChannelInput } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { useStore } from '../../store/index.ts';

/** Saves a settings change through the host and mirrors the answer in the store. */
export function useSaveSettings() {
  const [error, setError] = useState<UiError | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async (change: ChannelInput<'updateSettings'>): Promise<boolean> => {
    setError(null);
    setSaved(false);
    try {
      useStore.getState().setSettings(await unwrap(api().updateSettings(change)));
      setSaved(true);
      return true;
    } catch (err) {
      setError(toUiError(err));
      return false;
    }
  };
  return { save, error, saved };
}
