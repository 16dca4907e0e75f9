import { useState } from 'react';
import { api, inElectron } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';

/**
 * Links open only in the system browser, and only after the person saw the full address: opening
 * one tells that site your IP address (docs/THREAT-MODEL.md), which Sotto otherwise never reveals.
 */
export function LinkConfirm({ url, onClose }: { url: string; onClose(): void }) {
  const [error, setError] = useState<UiError | null>(null);
  const open = () => {
    unwrap(api().openExternal({ url })).then(onClose, (err) => {
      const e = toUiError(err);
      // The browser host may have no system browser to hand the link to: this window is one, so
      // open a new tab that cannot reach back into Sotto (noopener) and sends no referrer.
      if (e.code === 'EXTERNAL_UNAVAILABLE' && !inElectron()) {
        window.open(url, '_blank', 'noopener,noreferrer');
        onClose();
      } else {
        setError(e);
      }
    });
  };
  return (
    <Dialog title="Open this link?" onClose={onClose}>
      <p className="link-url">{url}</p>
      <p className="muted small">It opens in your web browser, outside Sotto and outside Tor: the site will see your IP address.</p>
      <ErrorText error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose} autoFocus>Cancel</button>
        <button type="button" className="primary" onClick={open}>Open link</button>
      </div>
    </Dialog>
  );
}
