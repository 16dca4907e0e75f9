// The API every window gets: one async method per channel plus the event subscription. Electron's
// preload exposes it as window.sotto; in the browser host src/renderer/ipc/ws-client.ts builds it.
import type { ChannelInput, ChannelName, ChannelOutput } from './channels.ts';
import type { SottoEvent } from './events.ts';
import type { Result } from './result.ts';

type Method<C extends ChannelName> = [ChannelInput<C>] extends [undefined]
  ? () => Promise<Result<ChannelOutput<C>>>
  : (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;

export type SottoApi = { [C in ChannelName]: Method<C> } & {
  /** Every event of the profile's core and host; returns the unsubscribe function. */
  onEvent(listener: (event: SottoEvent) => void): () => void;
};
