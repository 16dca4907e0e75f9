// SottoCore without a network: profile lifecycle on the real store, and input checking. The
// services factory here refuses to start (no tor in unit tests), which is itself a path we test:
// a failed start leaves the profile locked and intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore } from './sotto-core.ts';
import { CoreError, toErrorInfo } from './errors.ts';

class NoNetwork extends Error { readonly code = 'NO_NETWORK'; }
const noServices = async (): Promise<never> => { throw new NoNetwork('no tor in unit tests'); };
const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

test('profile: create, wrong passphrase, failed start leaves it locked and intact', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-core-unit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const core = new SottoCore({ profileDir: join(dir, 'p'), services: noServices, kdf: KDF_MINIMAL_FOR_TESTS });
  assert.equal(core.status().phase, 'no-profile');
  await assert.rejects(core.unlock({ passphrase: 'x' }), code('NO_PROFILE'));
  await assert.rejects(core.createProfile({ displayName: '', passphrase: 'p' }), code('BAD_INPUT'));
  await assert.rejects(core.createProfile(null as never), code('BAD_INPUT'));
  await assert.rejects(core.createProfile({ displayName: 'Alice', passphrase: 'right' }), code('NO_NETWORK'));
  assert.equal(core.status().phase, 'locked', 'the profile exists, the failed start locked it again');
  await assert.rejects(core.unlock({ passphrase: 'wrong' }), code('WRONG_PASSPHRASE'));
  assert.equal(core.status().phase, 'locked');
  await assert.rejects(core.unlock({ passphrase: 42 as never }), code('BAD_INPUT'));
  await assert.rejects(core.unlock({ passphrase: 'right' }), code('NO_NETWORK'), 'right passphrase gets past the store');
  assert.throws(() => core.profile(), code('LOCKED'));
  await assert.rejects(core.listContacts(), code('LOCKED'));
  await assert.rejects(core.sendMessage({ contactId: 'x', body: 'y' }), code('LOCKED'));
  await assert.rejects(core.lock(), code('LOCKED'));
  await core.close();
  assert.equal(core.status().phase, 'closed');
});

test('errors are JSON for the IPC layer', () => {
  assert.deepEqual(toErrorInfo(CoreError.INVITATION_USED()), { code: 'INVITATION_USED', message: 'this invitation was already used' });
  assert.deepEqual(toErrorInfo(new Error('boom')), { code: 'INTERNAL', message: 'boom' });
  assert.deepEqual(toErrorInfo('str'), { code: 'INTERNAL', message: 'str' });
});
