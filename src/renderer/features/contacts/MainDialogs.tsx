import { useStore } from '../../store/index.ts';
import { InviteDialog } from '../invite/InviteDialog.tsx';
import { AcceptDialog } from '../invite/AcceptDialog.tsx';
import { ConfirmRedeemerDialog } from '../invite/ConfirmRedeemerDialog.tsx';
import { SettingsDialog } from '../settings/SettingsDialog.tsx';
import { WhoCanSeeMe } from '../privacy/WhoCanSeeMe.tsx';

/** The one open dialog of the main window (store ui.dialog). */
export function MainDialogs() {
  const dialog = useStore((s) => s.dialog);
  const close = useStore((s) => s.closeDialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'invite': return <InviteDialog onClose={close} />;
    case 'accept': return <AcceptDialog initialLink={dialog.link ?? null} onClose={close} />;
    case 'confirm': return <ConfirmRedeemerDialog invitationId={dialog.invitationId} onClose={close} />;
    case 'settings': return <SettingsDialog onClose={close} />;
    case 'privacy': return <WhoCanSeeMe onClose={close} />;
  }
}
