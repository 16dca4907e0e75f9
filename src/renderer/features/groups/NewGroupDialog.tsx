import { useId, useMemo, useState, type FormEvent } from 'react';
import { groupTitleSchema } from '../../../ipc/group.ts';
import { api } from '../../ipc/api.ts';
import { UiError, toUiError, unwrap } from '../../ipc/call.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { ContactPicker, pickableContacts } from './ContactPicker.tsx';
import { openGroupWindow } from './open-group.ts';
import { GROUP_WORDS, PRESENCE_NOTE } from './words.ts';

/** "New group chat": a name, the contacts to invite; starts the chat, queues the invitations, opens its window. */
export function NewGroupDialog({ onClose }: { onClose(): void }) {
  const contacts = useStore((s) => s.contacts);
  const candidates = useMemo(() => pickableContacts(contacts, []), [contacts]);
  const [title, setTitle] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();

  const start = async (e: FormEvent) => {
    e.preventDefault();
    const typed = title.trim() === '' ? undefined : groupTitleSchema.safeParse(title);
    if (typed && !typed.success) {
      setError(new UiError('BAD_TITLE', typed.error.issues[0]?.message ?? 'not a title'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const info = await unwrap(api().groupCreate(typed ? { title: typed.data } : {}));
      const s = useStore.getState();
      s.upsertGroup(info);
      // Picked order is the contact list's order; the queue sends them one after the other.
      s.queueGroupInvites(info.sessionId, candidates.filter((c) => picked.has(c.key)).map((c) => c.key));
      onClose();
      await openGroupWindow(info.sessionId);
    } catch (err) {
      setError(toUiError(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title="New group chat" onClose={onClose} className="wide">
      <form onSubmit={start}>
        <label htmlFor={titleId}>Group name</label>
        <input id={titleId} type="text" value={title} placeholder="Group chat" maxLength={128} onChange={(e) => setTitle(e.target.value)} autoFocus />
        <ContactPicker legend="Invite" candidates={candidates} picked={picked} onChange={setPicked} />
        <p className="note">{PRESENCE_NOTE}</p>
        <ErrorText error={error} words={{ ...GROUP_WORDS, BAD_TITLE: 'That name does not work for a group chat: at most 64 characters, no line breaks.' }} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={busy}>Start group chat</button>
        </div>
      </form>
    </Dialog>
  );
}
