import type { UiError } from '../ipc/call.ts';
import { userWords } from './user-words.ts';

/** An error in user words, the code in small print for a bug report. */
export function ErrorText({ error }: { error: UiError | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {userWords(error.code)} <small className="error-code">({error.code})</small>
    </p>
  );
}
