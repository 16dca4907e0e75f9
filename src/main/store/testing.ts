// Shared fixtures for this folder's tests (not part of the public surface).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { KDF_MINIMAL_FOR_TESTS } from './crypto.ts';
import type { ContactRecord, Message } from './records.ts';

export const FAST_KDF = KDF_MINIMAL_FOR_TESTS;

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sotto-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'profile');
}

export function contact(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    nickname: 'Bob',
    identityPk: '1f'.repeat(32),
    sharedKey: 'c3'.repeat(32),
    phase: 'confirmed',
    visible: true,
    verified: false,
    receipts: false,
    typing: false,
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function message(id: string, overrides: Partial<Message> = {}): Message {
  return {
    id,
    contactId: 'contact-1',
    conversationId: 'conv-1',
    direction: 'out',
    body: `body of ${id}`,
    sentAt: 1_700_000_000_000,
    status: 'queued',
    ...overrides,
  };
}

/** Every file of the profile dir with its SHA-256, to assert that something did not write. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    try {
      out[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
    } catch {
      out[name] = 'directory';
    }
  }
  return out;
}
