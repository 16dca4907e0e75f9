// Issue 10 item 6: every name, status text and body is checked at the core boundary with the
// frame encoder's rules (the src/ipc schemas) and refused with a coded error before anything is
// stored. One real core on loopback services (no tor), a real profile store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeContactCode, identityFromSeed, ready } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS, profileExists } from '../store/index.ts';
import { SottoCore } from './sotto-core.ts';
import { systemClock } from './clock.ts';
import { LoopbackNetwork } from './loopback-services.ts';

const badInput = (e: unknown) => (e as { code?: string }).code === 'BAD_INPUT';

test('control characters in a name or a body are refused with BAD_INPUT and nothing is stored', async (t) => {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-boundary-'));
  const net = new LoopbackNetwork();
  const core = new SottoCore({ profileDir: join(root, 'a'), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS });
  t.after(async () => { await core.close(); await rm(root, { recursive: true, force: true }); });

  await assert.rejects(core.createProfile({ displayName: 'Ana\u001b[2J', passphrase: 'pw' }), badInput);
  assert.equal(profileExists(join(root, 'a')), false, 'no profile was created');
  await core.createProfile({ displayName: 'Ana', passphrase: 'pw' });

  await assert.rejects(core.setDisplayName({ displayName: 'Ana\nEve' }), badInput);
  assert.equal(core.profile().displayName, 'Ana');

  const peer = encodeContactCode(identityFromSeed(new Uint8Array(32).fill(7)).publicKey);
  await assert.rejects(core.createInvitation({ kind: 'sealed', contactCode: peer, nickname: 'Bo\u0000b' }), badInput);
  assert.deepEqual(await core.listContacts(), [], 'no contact made for a refused invitation');
  const inv = await core.createInvitation({ kind: 'sealed', contactCode: peer, nickname: 'Bob' });
  const contactId = inv.contactId!;

  for (const body of ['ring \u0007', 'erase \u001b[2K', 'nul \u0000', '', 'x'.repeat(16 * 1024 + 1)]) {
    await assert.rejects(core.sendMessage({ contactId, body }), badInput, JSON.stringify(body.slice(0, 20)));
  }
  await assert.rejects(core.updateContact({ id: contactId, nickname: 'B\u0085b' }), badInput);
  await assert.rejects(core.setPresence({ state: 'away', text: 'out\u2028now' }), badInput);
  await assert.rejects(core.sendMessage({ contactId, body: 'hi', extra: true } as never), badInput, 'unknown keys are refused');

  assert.deepEqual((await core.history({ contactId })).messages, [], 'no message was stored');
  assert.equal((await core.getContact({ id: contactId })).nickname, 'Bob');
  assert.equal(core.status().presence.text, '');

  // The same inputs without the control characters pass: tabs and line breaks are fine in a body.
  const sent = await core.sendMessage({ contactId, body: 'line one\n\tline two' });
  assert.equal(sent.body, 'line one\n\tline two');
});
