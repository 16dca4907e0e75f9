import { Fragment, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import type { ChannelOutput } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { UiError, toUiError, unwrap } from '../../ipc/call.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { ImageFileError, imageFileToPngBase64 } from './png.ts';
import { acceptInputOf, type AcceptInput } from './accept-input.ts';
import { contactName } from '../contacts/presence.ts';

/** In this dialog a refused input is a link or picture that is not an invitation. */
const ACCEPT_WORDS: Record<string, string> = {
  BAD_INPUT: "That isn't a Sotto invitation. Check that you copied all of it.",
  IPC_BAD_INPUT: "That isn't a Sotto invitation. Check that you copied all of it.",
};

function doneWords(r: ChannelOutput<'acceptInvitation'>): string {
  return r.kind === 'open'
    ? `Invitation accepted. Waiting for ${contactName(r.contact)} to confirm.`
    : `Added ${contactName(r.contact)}.`;
}

/**
 * What the invitee reads out while the inviter compares (dt/dd pairs): their own fingerprint, which
 * the inviter's confirm dialog shows, and the pair's safety number, which it shows too.
 */
export function acceptedFacts(r: ChannelOutput<'acceptInvitation'>, ownFingerprint: string | undefined): [string, string][] {
  return [...(ownFingerprint ? [['Your fingerprint', ownFingerprint] as [string, string]] : []), ['Safety number', r.contact.safetyNumber]];
}

/** The invitee's side (UI.md flow 2): paste, drop an image, choose a file, or a sotto:// link. */
export function AcceptDialog({ initialLink, onClose }: { initialLink: string | null; onClose(): void }) {
  const [pasted, setPasted] = useState(initialLink ?? '');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ChannelOutput<'acceptInvitation'> | null>(null);
  const ownFingerprint = useStore((st) => st.profile?.fingerprint);
  const [error, setError] = useState<UiError | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const ids = { text: useId(), file: useId() };

  const accept = async (input: AcceptInput) => {
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(api().acceptInvitation(input));
      useStore.getState().upsertContact(r.contact);
      setDone(r);
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };
  const acceptFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      await accept({ imagePngBase64: await imageFileToPngBase64(file) });
    } catch (err) {
      setError(err instanceof ImageFileError ? new UiError(err.code, err.message) : toUiError(err));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void accept(acceptInputOf(pasted));
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void acceptFile(e.dataTransfer.files[0]);
  };

  return (
    <Dialog title="Accept an invitation" onClose={onClose} className="wide">
      {done ? (
        <>
          <p role="status">{doneWords(done)}</p>
          {done.kind === 'open' && <p>If they ask, read these out so they can check them against what they see:</p>}
          <dl className="facts">
            {acceptedFacts(done, ownFingerprint).map(([label, text]) => <Fragment key={label}><dt>{label}</dt><dd className="digits">{text}</dd></Fragment>)}
          </dl>
        </>
      ) : (
        <>
          <form onSubmit={submit}>
            <label htmlFor={ids.text}>Invitation link or e-mail text</label>
            <textarea id={ids.text} rows={4} value={pasted} onChange={(e) => setPasted(e.target.value)} spellCheck={false}
              placeholder="sotto://…  or paste the whole e-mail" autoFocus />
            <div className="row">
              <button type="submit" className="primary" disabled={busy || pasted.trim() === ''}>Accept</button>
            </div>
          </form>
          <section aria-label="Drop a picture of the QR code here" className={dragging ? 'dropzone dragging' : 'dropzone'}
            onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
            <p>Drop a picture of the QR code here, or</p>
            <label htmlFor={ids.file} className="visually-hidden">QR code image</label>
            <input ref={fileRef} id={ids.file} type="file" accept="image/*" className="visually-hidden" tabIndex={-1}
              onChange={(e) => { void acceptFile(e.target.files?.[0]); e.target.value = ''; }} />
            <button type="button" onClick={() => fileRef.current?.click()} disabled={busy}>Choose a QR image…</button>
          </section>
          {busy && <p role="status">Checking the invitation…</p>}
        </>
      )}
      <ErrorText error={error} words={ACCEPT_WORDS} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </Dialog>
  );
}
