import { useEffect, useId, useRef } from 'react';
import { messageBodySchema } from '../../../ipc/text.ts';
import { MAX_MESSAGE_BODY_BYTES } from '../../../protocol/frames.ts';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useSendBox } from '../../components/use-send-box.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';

const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 5000;

/** Enter sends, Shift+Enter breaks the line; a refused message stays in the box (nothing lost). */
export function Composer({ contactId, sendTyping, disabled }: { contactId: string; sendTyping: boolean; disabled: boolean }) {
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

  // The contract's own schema: the same limits the core and the wire apply (16 KiB, no controls).
  const box = useSendBox({
    schema: messageBodySchema, maxBytes: MAX_MESSAGE_BODY_BYTES, beforeSend: stopTyping,
    deliver: async (body) => useStore.getState().addMessage(await unwrap(api().sendMessage({ contactId, body }))),
  });

  const onChange = (text: string) => {
    box.change(text);
    if (!sendTyping) return;
    const now = Date.now();
    if (text !== '' && now - typingSentAt.current > TYPING_REFRESH_MS) { typingSentAt.current = now; typing(true); }
    window.clearTimeout(idleTimer.current);
    idleTimer.current = window.setTimeout(stopTyping, TYPING_IDLE_MS);
    if (text === '') stopTyping();
  };

  return (
    <form className="composer" onSubmit={box.send}>
      <ErrorText error={box.error} />
      <div className="row">
        <label htmlFor={id} className="visually-hidden">Message</label>
        <textarea id={id} rows={2} value={box.body} placeholder={disabled ? "You can't write to this contact." : 'Write a message'} disabled={disabled}
          onChange={(e) => onChange(e.target.value)} onKeyDown={box.onKeyDown} autoFocus />
        <button type="submit" className="primary" disabled={disabled || box.sending || box.body.trim() === ''}>Send</button>
      </div>
    </form>
  );
}
