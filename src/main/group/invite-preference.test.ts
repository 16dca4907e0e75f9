// Who may invite me, kept in the profile (invite-preference.ts): a real core with a real encrypted
// store on loopback services, closed and unlocked again as a person would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore } from '../core/sotto-core.ts';
import { systemClock } from '../core/clock.ts';
import { LoopbackNetwork } from '../core/loopback-services.ts';
import { EventLog } from '../core/test-support.ts';

test('the invite preference is saved in the profile, read at unlock, and a damaged record falls back to contacts only', async (t) => {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'sotto-invite-pref-'));
  const net = new LoopbackNetwork();
  const open: SottoCore[] = [];
  t.after(async () => { await Promise.allSettled(open.map((c) => c.close())); await rm(dir, { recursive: true, force: true }); });
  const start = async (create: boolean): Promise<{ core: SottoCore; log: EventLog }> => {
    const core = new SottoCore({ profileDir: dir, services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS });
    open.push(core);
    const log = new EventLog(core);
    if (create) await core.createProfile({ displayName: 'Dee', passphrase: 'pw-dee' });
    else await core.unlock({ passphrase: 'pw-dee' });
    return { core, log };
  };

  let { core } = await start(true);
  assert.deepEqual(core.groupSessions().invitePolicy(), { who: 'contacts' }, 'a new profile: contacts only');
  const allow = { who: 'allow-list', allow: ['ab'.repeat(32), 'cd'.repeat(32)] } as const;
  await core.groupSessions().setInvitePolicy(allow);
  await core.close();

  ({ core } = await start(false));
  assert.deepEqual(core.groupSessions().invitePolicy(), allow, 'read back at unlock');
  await core.groupSessions().setInvitePolicy({ who: 'nobody' });
  await core.close();

  ({ core } = await start(false));
  assert.deepEqual(core.groupSessions().invitePolicy(), { who: 'nobody' });
  // A record that no longer checks (an unknown choice) must not widen who may invite.
  await core.settingsStore().set('group.invitePolicy', { who: 'everyone' });
  await core.close();

  const again = await start(false);
  assert.deepEqual(again.core.groupSessions().invitePolicy(), { who: 'contacts' });
  assert.ok(again.log.events.some((e) => e.type === 'warning' && e.code === 'GROUP_PREFERENCE'), 'the fallback is said in the debug log');
});
