import { useMemo, useState } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { useStore } from '../../store/index.ts';
import { ContactPicker, pickableContacts } from './ContactPicker.tsx';

/** "Invite…" in a group chat's window: pick contacts who are not members yet; they are asked one at a time. */
export function InviteToGroupDialog({ sessionId, title, onClose }: { sessionId: string; title: string; onClose(): void }) {
  const contacts = useStore((s) => s.contacts);
  const members = useStore((s) => s.groups[sessionId]?.info.members);
  const run = useStore((s) => s.groupInvites[sessionId]);
  const exclude = useMemo(() => [...(members ?? []), ...(run?.queue ?? []), ...(run?.current ? [run.current] : [])], [members, run]);
  const candidates = useMemo(() => pickableContacts(contacts, exclude), [contacts, exclude]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const invite = () => {
    useStore.getState().queueGroupInvites(sessionId, candidates.filter((c) => picked.has(c.key)).map((c) => c.key));
    onClose();
  };
  return (
    <Dialog title={`Invite to “${title}”`} onClose={onClose}>
      <ContactPicker legend="Contacts" candidates={candidates} picked={picked} onChange={setPicked} />
      <p className="small muted">Each person you pick is asked in turn. They see who is in the group chat before they decide.</p>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="primary" disabled={picked.size === 0} onClick={invite}>Invite</button>
      </div>
    </Dialog>
  );
}
