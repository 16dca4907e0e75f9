import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ZodType } from 'zod';
import { UiError, toUiError } from '../ipc/call.ts';

export interface SendBox {
  body: string;
  change(text: string): void;
  error: UiError | null;
  sending: boolean;
  send(e?: FormEvent): Promise<void>;
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): void;
}

/**
 * The send box of a contact's and a group's composer: the text is checked with the contract's own
 * schema (the limits the core and the wire apply) before it is sent; Enter sends, Shift+Enter
 * breaks the line; a refused message stays in the box (nothing lost).
 */
export function useSendBox(o: { schema: ZodType<string>; maxBytes: number; deliver(body: string): Promise<void>; beforeSend?(): void }): SendBox {
  const [body, setBody] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [sending, setSending] = useState(false);

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if (body.trim() === '' || sending) return;
    const checked = o.schema.safeParse(body);
    if (!checked.success) {
      setError(new UiError(new TextEncoder().encode(body).length > o.maxBytes ? 'MESSAGE_TOO_LONG' : 'MESSAGE_INVALID', checked.error.message));
      return;
    }
    setSending(true);
    setError(null);
    o.beforeSend?.();
    try {
      await o.deliver(checked.data);
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
  return { body, change: setBody, error, sending, send, onKeyDown };
}
