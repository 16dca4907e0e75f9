import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { messageBodySchema } from '../../../ipc/text.ts';
import { MAX_MESSAGE_BODY_BYTES } from '../../../protocol/frames.ts';
import { api } from '../../ipc/api.ts';
import { UiError, toUiError, unwrap } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';

const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 5000;

/** Enter sends, Shift+Enter breaks the line; a refused message stays in the box (nothing lost). */
export function Composer({ contactId, sendTyping, disabled }: { contactId: string; sendTyping: boolean; disabled: boolean }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [sending, setSending] = useState(false);
  const typingSentAt = useRef(0);
  const idleTimer = useRef<number | undefined>(undefined);
  const id = useId();

  const typing = (active: boolean) => {
    if (!sendTyping) return;
    void api().setTyping({ contactId, active });
  };
  const stopTyping = () => {
    window.clearTimeout(idleTimer.current);
    if (typingSentAt.current !== 0) { typingSentAt.current = 0; typing(false); }
  };
  const stopRef = useRef(stopTyping);
  stopRef.current = stopTyping;
  useEffect(() => () => stopRef.current(), []);

  const onChange = (text: string) => {
    setBody(text);
    if (!sendTyping) return;
    const now = Date.now();
    if (text !== '' && now - typingSentAt.current > TYPING_REFRESH_MS) { typingSentAt.current = now; typing(true); }
    window.clearTimeout(idleTimer.current);
    idleTimer.current = window.setTimeout(stopTyping, TYPING_IDLE_MS);
    if (text === '') stopTyping();
  };

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if (body.trim() === '' || sending) return;
    // The contract's own schema: the same limits the core and the wire apply (16 KiB, no controls).
    const checked = messageBodySchema.safeParse(body);
    if (!checked.success) {
      setError(new UiError(new TextEncoder().encode(body).length > MAX_MESSAGE_BODY_BYTES ? 'MESSAGE_TOO_LONG' : 'MESSAGE_INVALID', checked.error.message));
      return;
    }
    setSending(true);
    setError(null);
    stopTyping();
    try {
      useStore.getState().addMessage(await unwrap(api().sendMessage({ contactId, body: checked.data })));
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
      <ErrorText error={error} />
      <div className="row">
        <label htmlFor={id} className="visually-hidden">Message</label>
        <textarea id={id} rows={2} value={body} placeholder={disabled ? "You can't write to this contact." : 'Write a message'} disabled={disabled}
          onChange={(e) => onChange(e.target.value)} onKeyDown={onKeyDown} autoFocus />
        <button type="submit" className="primary" disabled={disabled || sending || body.trim() === ''}>Send</button>
      </div>
    </form>
  );
}
