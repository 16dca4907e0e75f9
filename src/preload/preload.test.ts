// The preload bridge with a recording ipcRenderer: one method per channel, each invoking its own
// Electron channel with the input unchanged; events forwarded without Electron's event object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHANNEL_NAMES, ELECTRON_EVENT_CHANNEL } from '../ipc/index.ts';
import { buildPreloadApi, type IpcRendererLike } from './bridge.ts';

test('one method per channel, each on its own Electron channel; no generic send', async () => {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, ((e: unknown, ...a: unknown[]) => void)[]>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => { invoked.push([channel, ...args]); return { ok: true, value: null }; },
    on: (c, l) => { listeners.set(c, [...(listeners.get(c) ?? []), l]); },
    removeListener: (c, l) => { listeners.set(c, (listeners.get(c) ?? []).filter((x) => x !== l)); },
  };
  const api = buildPreloadApi(ipc);
  assert.deepEqual(Object.keys(api).sort(), [...CHANNEL_NAMES, 'onEvent'].sort());
  assert.equal('send' in api || 'invoke' in api, false);
  await api.sendMessage({ contactId: 'c', body: 'hi' });
  await api.status();
  assert.deepEqual(invoked, [['sotto:sendMessage', { contactId: 'c', body: 'hi' }], ['sotto:status', undefined]]);

  const got: unknown[] = [];
  const off = api.onEvent((e) => got.push(e));
  for (const l of listeners.get(ELECTRON_EVENT_CHANNEL) ?? []) l({ sender: 'electron internals' }, { type: 'unread', contactId: 'c', count: 2 });
  assert.deepEqual(got, [{ type: 'unread', contactId: 'c', count: 2 }]);
  off();
  assert.equal(listeners.get(ELECTRON_EVENT_CHANNEL)?.length, 0);
});
