import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_GROUP_BODY_BYTES, groupBodySchema } from '../../../ipc/group.ts';
import { api } from '../../ipc/api.ts';
import { UiError, toUiError, unwrap } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { GROUP_WORDS } from './words.ts';

/** Enter sends, Shift+Enter breaks the line; a refused message stays in the box (nothing lost). */
export function GroupComposer({ sessionId }: { sessionId: string }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [sending, setSending] = useState(false);
  const id = useId();

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if (body.trim() === '' || sending) return;
    // The contract's own schema: the limits the core and the group frame encoder apply.
    const checked = groupBodySchema.safeParse(body);
    if (!checked.success) {
      setError(new UiError(new TextEncoder().encode(body).length > MAX_GROUP_BODY_BYTES ? 'MESSAGE_TOO_LONG' : 'MESSAGE_INVALID', checked.error.message));
      return;
    }
    setSending(true);
    setError(null);
    try {
      // The core announces our own message as an event too (with its place); this only fills a gap.
      useStore.getState().addGroupMessage(sessionId, await unwrap(api().groupSend({ sessionId, body: checked.data })));
      setBody('');
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setSending(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) { e.preventDefault(); void send(); }
  };

  return (
    <form className="composer" onSubmit={send}>
      <ErrorText error={error} words={GROUP_WORDS} />
      <div className="row">
        <label htmlFor={id} className="visually-hidden">Message</label>
        <textarea id={id} rows={2} value={body} placeholder="Write to the group" onChange={(e) => setBody(e.target.value)} onKeyDown={onKeyDown} autoFocus />
        <button type="submit" className="primary" disabled={sending || body.trim() === ''}>Send</button>
      </div>
    </form>
  );
}
