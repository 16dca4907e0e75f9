// What the host pushes to every window: the core's events plus the host's own.
import { z } from 'zod';
import { coreEventSchema } from './core-types.ts';
import { settingsViewSchema } from './settings.ts';
import { networkViewSchema } from './network.ts';
import { groupEventSchema } from './group.ts';

export const hostEventSchema = z.discriminatedUnion('type', [
  /** A sotto:// link the OS handed to the app (Electron): open the accept dialog with it. */
  z.object({ type: z.literal('deep-link'), link: z.string() }),
  /** Settings changed (in this or another window). */
  z.object({ type: z.literal('settings'), settings: settingsViewSchema }),
  /** Network settings changed (edited, or gateways taken from an accepted invitation). */
  z.object({ type: z.literal('network'), network: networkViewSchema }),
]);

/** Core events, host events, and the group chats' events (src/ipc/group.ts). */
export const EVENT = z.union([coreEventSchema, hostEventSchema, groupEventSchema]);
export type SottoEvent = z.infer<typeof EVENT>;
