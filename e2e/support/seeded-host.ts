// A browser host whose profile already holds a large address book, built only through real means
// (docs/ARCHITECTURE.md "End-to-end tests"): the profile accepts N sealed invitations that N
// generated identities made for it with the protocol's own createSealedInvitation, exactly as if N
// people had sent one, and writes M messages to one of them through the core's sendMessage. The
// contacts are confirmed and offline; nothing on the network is needed to list them, so the core
// runs on the loopback services (no Tor) behind the real browser host and IPC handler.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  createSealedInvitation, decodeContactCode, encodeInvitation, identityFromSeed, ready,
} from '../../src/protocol/index.ts';
import { LoopbackNetwork } from '../../src/main/core/loopback-services.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../../src/main/store/index.ts';
import { SottoCore, systemClock } from '../../src/main/index.ts';
import { IpcHandler } from '../../src/main/host/ipc-handler.ts';
import { UiSettings } from '../../src/main/host/ui-settings.ts';
import { startBrowserHost, type BrowserHost } from '../../src/main/host/browser-host.ts';
import { sessionRoute } from '../../src/ipc/index.ts';
import { REPO_ROOT } from './host-process.ts';

const FIRST = ['Ada', 'Bo', 'Cai', 'Dana', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Milo', 'Nia', 'Oli', 'Pia', 'Quin', 'Rae', 'Sol', 'Tove'];
const LAST = ['Abe', 'Berg', 'Cruz', 'Diaz', 'Eng', 'Fox', 'Gill', 'Holm', 'Ito', 'Jain', 'Kerr', 'Lund', 'Moss', 'Nair', 'Ortiz', 'Park', 'Quist', 'Ruiz', 'Sato', 'Tan', 'Ueda', 'Voss', 'Wolf', 'Xu', 'Yang'];

/** Distinct, pronounceable names: "Ada Abe", "Bo Abe", ... (20 x 25 = 500 before a number is added). */
export function personName(i: number): string {
  const base = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
  const round = Math.floor(i / (FIRST.length * LAST.length));
  return round === 0 ? base : `${base} ${round + 1}`;
}

export interface SeededHost {
  host: BrowserHost;
  core: SottoCore;
  /** The contact that holds the messages, and its session route. */
  busy: { id: string; nickname: string; route: string };
  close(): Promise<void>;
}

export async function startSeededHost(o: { dir: string; contacts: number; messages: number }): Promise<SeededHost> {
  await ready();
  const net = new LoopbackNetwork();
  const core = new SottoCore({
    profileDir: join(o.dir, 'seeded'), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS,
    // Contacts arrive one after another here, not in a burst at unlock: no batching window to wait out.
    endpointGroups: { batchMs: 0 },
  });
  const own = await core.createProfile({ displayName: 'Sam', passphrase: 'sam has many friends indeed' });
  const ownKey = decodeContactCode(own.contactCode);
  let busy: SeededHost['busy'] | null = null;
  for (let i = 0; i < o.contacts; i++) {
    const inviter = identityFromSeed(randomBytes(32));
    const link = encodeInvitation(createSealedInvitation({
      inviter, recipientPublicKey: ownKey, sharedKey: randomBytes(32), expiresAt: Date.now() + 3_600_000,
      inviterName: personName(i), ephemeralSeed: randomBytes(32),
    }));
    const accepted = await core.acceptInvitation({ link });
    if (i === 0) busy = { id: accepted.contact.id, nickname: accepted.contact.nickname, route: sessionRoute(accepted.contact.id) };
  }
  if (busy) {
    for (let m = 0; m < o.messages; m++) {
      await core.sendMessage({ contactId: busy.id, body: `message ${m + 1}: ${m % 7 === 0 ? 'a longer line that wraps in a narrow window to make rows differ in height' : 'short'}` });
    }
  }
  const handler = new IpcHandler({
    core, settings: new UiSettings(() => core.settingsStore()),
    actions: {
      openExternal: async () => undefined,
      openSession: async (contactId) => ({ route: sessionRoute(contactId), opened: false }),
      activity: () => undefined,
    },
  });
  const host = await startBrowserHost({ handler, staticDir: join(REPO_ROOT, 'dist', 'renderer') });
  return {
    host, core, busy: busy ?? { id: '', nickname: '', route: '#/' },
    close: async () => {
      await host.close();
      handler.close();
      await core.close();
    },
  };
}
