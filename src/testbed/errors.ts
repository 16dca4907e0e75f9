// Coded errors for the testbed (STYLE.md: errors are classes with a string `code`, made by
// small factories, so callers and tests branch on the code, never on message text).
import { CodedError } from '../protocol/errors.ts';

export type TestbedErrorCode =
  | 'TOR_SPAWN_FAILED'
  | 'TOR_EXITED'
  | 'KEYGEN_FAILED'
  | 'NO_FREE_PORT'
  | 'CONSENSUS_TIMEOUT'
  | 'ABORTED'
  | 'BAD_DESCRIPTION'
  | 'DESCRIPTION_UNREADABLE'
  | 'READY_TIMEOUT'
  | 'SMOKE_FAILED';

export class TestbedError extends CodedError<TestbedErrorCode> {
  override readonly name = 'TestbedError';
}

export const torSpawnFailed = (node: string, cause: unknown): TestbedError =>
  new TestbedError('TOR_SPAWN_FAILED', `${node}: could not start tor`, { cause });

export const torExited = (node: string, code: number | null, signal: string | null, tail: string): TestbedError =>
  new TestbedError('TOR_EXITED', `${node}: tor exited (code ${code}, signal ${signal}) during boot\n${tail}`);

export const keygenFailed = (what: string, detail: string): TestbedError =>
  new TestbedError('KEYGEN_FAILED', `${what} failed: ${detail}`);

export const noFreePort = (cause: unknown): TestbedError =>
  new TestbedError('NO_FREE_PORT', 'could not reserve a free port on 127.0.0.1', { cause });

export const consensusTimeout = (ms: number, detail: string): TestbedError =>
  new TestbedError('CONSENSUS_TIMEOUT', `no consensus listing every router after ${ms} ms: ${detail}`);

export const aborted = (what: string): TestbedError =>
  new TestbedError('ABORTED', `${what} aborted`);

export const badDescription = (path: string, detail: string): TestbedError =>
  new TestbedError('BAD_DESCRIPTION', `${path}: invalid testbed description: ${detail}`);

export const descriptionUnreadable = (path: string, cause: unknown): TestbedError =>
  new TestbedError('DESCRIPTION_UNREADABLE', `${path}: cannot read testbed description`, { cause });

export const readyTimeout = (ms: number, stderr: string): TestbedError =>
  new TestbedError('READY_TIMEOUT', `testbed not ready after ${ms} ms\n${stderr}`);

export const smokeFailed = (step: string, cause?: unknown): TestbedError =>
  new TestbedError('SMOKE_FAILED', `smoke test failed at: ${step}`, { cause });
