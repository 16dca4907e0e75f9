import type { UiError } from '../ipc/call.ts';
import { userWords } from './user-words.ts';

/**
 * An error in user words, the code in small print for a bug report. `words` gives a screen its
 * own wording for a code whose meaning depends on what was asked (BAD_INPUT in the accept dialog).
 */
export function ErrorText({ error, words }: { error: UiError | null; words?: Readonly<Record<string, string>> }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {words?.[error.code] ?? userWords(error.code, error.retryAfterMs)} <small className="error-code">({error.code})</small>
    </p>
  );
}
