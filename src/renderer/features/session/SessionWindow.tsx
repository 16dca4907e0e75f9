import { useCallback, useEffect, useState } from 'react';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { useWindowTitle } from '../../app/title.ts';
import { TorProgress } from '../onboarding/TorProgress.tsx';
import { ContactDetails } from '../contacts/ContactDetails.tsx';
import { SessionHeader } from './SessionHeader.tsx';
import { MessageList, PAGE_SIZE } from './MessageList.tsx';
import { Composer } from './Composer.tsx';
import { LinkConfirm } from './LinkConfirm.tsx';
import { useMarkRead } from './use-mark-read.ts';
import { contactName } from '../contacts/presence.ts';
import { announceFocus } from '../../app/notifications.ts';

/** One conversation per window (route #/session/<contactId>). */
export function SessionWindow({ contactId }: { contactId: string }) {
  const contact = useStore((s) => s.contacts[contactId]);
  const loaded = useStore((s) => s.conversations[contactId]?.loaded ?? false);
  const typing = useStore((s) => s.typing[contactId] ?? false);
  const torReady = useStore((s) => s.tor.ready);
  const [error, setError] = useState<UiError | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [details, setDetails] = useState(false);
  const onError = useCallback((err: unknown) => setError(toUiError(err)), []);
  useWindowTitle(contact ? contactName(contact) : null, contact?.unread ?? 0);
  useMarkRead(contactId, contact?.unread ?? 0, onError);

  useEffect(() => announceFocus(contactId), [contactId]);

  const known = contact !== undefined;
  useEffect(() => {
    if (!known || loaded) return;
    unwrap(api().history({ contactId, limit: PAGE_SIZE }))
      .then((page) => useStore.getState().addPage(contactId, page))
      .catch(onError);
  }, [contactId, known, loaded, onError]);

  if (!contact) {
    return <main className="session-window"><p className="empty">This contact is not in your list.</p></main>;
  }
  const canWrite = contact.phase === 'confirmed';
  return (
    <div className="session-window">
      <SessionHeader contact={contact} onDetails={() => setDetails(true)} />
      {!torReady && <TorProgress compact />}
      <main className="session-main">
        <MessageList contactId={contactId} author={contactName(contact)} onLink={setLink} onError={onError} />
        <p role="status" className="typing">{typing ? `${contactName(contact)} is typing…` : ''}</p>
      </main>
      <ErrorText error={error} />
      <Composer contactId={contactId} sendTyping={contact.typing} disabled={!canWrite} />
      {link && <LinkConfirm url={link} onClose={() => setLink(null)} />}
      {details && <ContactDetails contactId={contactId} onClose={() => setDetails(false)} />}
    </div>
  );
}
