import { useMemo, useState } from 'react';
import { toUiError, type UiError } from '../../ipc/call.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { VisibilityToggle } from './VisibilityToggle.tsx';
import { contactName } from '../contacts/presence.ts';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Every contact with its visible/invisible toggle in one view (UI.md flow 4). */
export function WhoCanSeeMe({ onClose }: { onClose(): void }) {
  const contacts = useStore((s) => s.contacts);
  const list = useMemo(() => Object.values(contacts).filter((c) => c.phase !== 'revoked').sort((a, b) => collator.compare(contactName(a), contactName(b))), [contacts]);
  const [error, setError] = useState<UiError | null>(null);
  const seeing = list.filter((c) => c.visible).length;
  return (
    <Dialog title="Who can see me" onClose={onClose} className="wide">
      <p>Only the contacts you choose can see that you're online. Everyone else sees you offline, exactly as if Sotto were closed.</p>
      <p className="muted">{list.length === 0 ? 'No contacts yet.' : `${seeing} of ${list.length} can see you when you're online.`}</p>
      <ul className="visibility-list">
        {list.map((c) => <li key={c.id}><VisibilityToggle contact={c} onError={(err) => setError(toUiError(err))} /></li>)}
      </ul>
      <ErrorText error={error} />
      <div className="dialog-actions"><button type="button" onClick={onClose}>Close</button></div>
    </Dialog>
  );
}
