import { useStore } from '../../store/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ProfileSection } from './ProfileSection.tsx';
import { PassphraseSection } from './PassphraseSection.tsx';
import { PreferencesSection } from './PreferencesSection.tsx';
import { SmtpSection } from './SmtpSection.tsx';
import { NetworkSection } from './NetworkSection.tsx';
import { GroupInvitesSection } from './GroupInvitesSection.tsx';

export function SettingsDialog({ onClose }: { onClose(): void }) {
  const settings = useStore((s) => s.settings);
  return (
    <Dialog title="Settings" onClose={onClose} className="wide settings">
      <ProfileSection />
      {settings ? (
        <>
          <PreferencesSection settings={settings} />
          <SmtpSection smtp={settings.smtp} />
          <NetworkSection />
          <GroupInvitesSection />
        </>
      ) : <p role="status">Loading settings…</p>}
      <PassphraseSection />
      <div className="dialog-actions"><button type="button" onClick={onClose}>Close</button></div>
    </Dialog>
  );
}
