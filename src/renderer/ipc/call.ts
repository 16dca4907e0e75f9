// One place that turns a contract Result into a value or a UiError, so components deal with
// exceptions carrying a code (shown in small print) instead of branching on `ok` everywhere.
import { CodedError } from '../../protocol/errors.ts';
import type { Result } from './contract.ts';

export class UiError extends CodedError<string> {
  override readonly name = 'UiError';
  /** The wait the host reported before the same call may succeed (UNLOCK_DELAYED). */
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(code, message);
    this.retryAfterMs = retryAfterMs;
  }
}

export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (err) {
    // A transport failure (WebSocket closed, bridge gone) is not a core answer.
    throw new UiError('HOST_UNREACHABLE', err instanceof Error ? err.message : String(err));
  }
  if (result.ok) return result.value;
  throw new UiError(result.error.code, result.error.message, result.error.retryAfterMs);
}

export function toUiError(err: unknown): UiError {
  if (err instanceof UiError) return err;
  return new UiError('INTERNAL', err instanceof Error ? err.message : String(err));
}
