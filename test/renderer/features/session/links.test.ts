import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLinks } from '../../../../src/renderer/features/session/links.ts';

test('plain text stays one part', () => {
  assert.deepEqual(splitLinks('hello there'), [{ kind: 'text', text: 'hello there' }]);
  assert.deepEqual(splitLinks(''), []);
});

test('links are cut out with their normalised url', () => {
  assert.deepEqual(splitLinks('see https://example.org/a?b=1 and example.com.'), [
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'https://example.org/a?b=1', url: 'https://example.org/a?b=1' },
    { kind: 'text', text: ' and ' },
    { kind: 'link', text: 'example.com', url: 'http://example.com' },
    { kind: 'text', text: '.' },
  ]);
});

test('only http(s) become links: mailto, ftp and sotto stay text', () => {
  const parts = splitLinks('mailto:a@b.c ftp://x.org/f sotto://invite/abc');
  assert.ok(parts.every((p) => p.kind === 'text'), JSON.stringify(parts));
});
