import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute } from '../../../src/renderer/app/route.ts';

test('routes: main, session, accept', () => {
  assert.deepEqual(parseRoute(''), { name: 'main', acceptLink: null });
  assert.deepEqual(parseRoute('#/'), { name: 'main', acceptLink: null });
  assert.deepEqual(parseRoute('#/session/abc%2F1'), { name: 'session', contactId: 'abc/1' });
  assert.deepEqual(parseRoute('#/accept?link=sotto%3A%2F%2Fi%2Fx'), { name: 'main', acceptLink: 'sotto://i/x' });
  assert.deepEqual(parseRoute('#/session/%E0%A4%A'), { name: 'main', acceptLink: null });
  assert.deepEqual(parseRoute('#t=00ff'), { name: 'main', acceptLink: null });
  assert.deepEqual(parseRoute(`#/group/${'ab'.repeat(16)}`), { name: 'group', sessionId: 'ab'.repeat(16) });
  assert.deepEqual(parseRoute('#/group/AB12'), { name: 'main', acceptLink: null }, 'only a session id in the core\'s form');
});
