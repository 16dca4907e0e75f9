import { useId } from 'react';
import { MAX_GROUP_BODY_BYTES, groupBodySchema } from '../../../ipc/group.ts';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useSendBox } from '../../components/use-send-box.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { GROUP_WORDS } from './words.ts';

/** Enter sends, Shift+Enter breaks the line; a refused message stays in the box (nothing lost). */
export function GroupComposer({ sessionId }: { sessionId: string }) {
  const id = useId();
  // The core announces our own message as an event too (with its place); this only fills a gap.
  const box = useSendBox({
    schema: groupBodySchema, maxBytes: MAX_GROUP_BODY_BYTES,
    deliver: async (body) => useStore.getState().addGroupMessage(sessionId, await unwrap(api().groupSend({ sessionId, body }))),
  });

  return (
    <form className="composer" onSubmit={box.send}>
      <ErrorText error={box.error} words={GROUP_WORDS} />
      <div className="row">
        <label htmlFor={id} className="visually-hidden">Message</label>
        <textarea id={id} rows={2} value={box.body} placeholder="Write to the group" onChange={(e) => box.change(e.target.value)} onKeyDown={box.onKeyDown} autoFocus />
        <button type="submit" className="primary" disabled={box.sending || box.body.trim() === ''}>Send</button>
      </div>
    </form>
  );
}
