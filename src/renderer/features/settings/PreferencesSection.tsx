import { useId, useState } from 'react';
import type { SettingsView, ThemeChoice } from '../../ipc/contract.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { SavedCheckbox } from '../../components/SavedCheckbox.tsx';
import { useSaveSettings } from './use-save.ts';

const THEMES: ReadonlyArray<{ value: ThemeChoice; label: string }> = [
  { value: 'system', label: 'System' }, { value: 'light', label: 'Light' }, { value: 'dark', label: 'Dark' },
];

/** Theme, notifications, auto-away and the defaults for new contacts: each saved as it changes. */
export function PreferencesSection({ settings }: { settings: SettingsView }) {
  const { save, error } = useSaveSettings();
  const [away, setAway] = useState(String(settings.autoAwayMinutes));
  const [theme, setTheme] = useState<ThemeChoice | null>(null);
  const shownTheme = theme ?? settings.theme;
  const pickTheme = (t: ThemeChoice) => { setTheme(t); void save({ theme: t }).finally(() => setTheme(null)); };
  const ids = { h: useId(), theme: useId(), notif: useId(), receipts: useId(), typing: useId(), away: useId() };
  const saveAway = () => {
    const n = Number(away);
    if (Number.isInteger(n) && n >= 1 && n !== settings.autoAwayMinutes) void save({ autoAwayMinutes: n });
  };
  return (
    <section aria-labelledby={ids.h}>
      <h3 id={ids.h}>Preferences</h3>
      <div role="radiogroup" aria-labelledby={ids.theme} className="theme-choice">
        <span id={ids.theme} className="group-label">Theme</span>
        {THEMES.map((t) => (
          <label key={t.value} className="radio">
            <input type="radio" name="theme" value={t.value} checked={shownTheme === t.value} onChange={() => pickTheme(t.value)} />
            {t.label}
          </label>
        ))}
      </div>
      <div className="checks">
        <SavedCheckbox id={ids.notif} checked={settings.notifications} onSave={(notifications) => save({ notifications })} />
        <label htmlFor={ids.notif}>Show notifications</label>
        <SavedCheckbox id={ids.receipts} checked={settings.receiptsDefault} onSave={(receiptsDefault) => save({ receiptsDefault })} />
        <label htmlFor={ids.receipts}>Send read receipts by default</label>
        <SavedCheckbox id={ids.typing} checked={settings.typingDefault} onSave={(typingDefault) => save({ typingDefault })} />
        <label htmlFor={ids.typing}>Send typing indicator by default</label>
      </div>
      <label htmlFor={ids.away}>Away after (minutes)</label>
      <input id={ids.away} type="number" min={1} max={1440} step={1} value={away} className="narrow"
        onChange={(e) => setAway(e.target.value)} onBlur={saveAway} onKeyDown={(e) => { if (e.key === 'Enter') saveAway(); }} />
      <p className="muted small">Shown as away after this long without using the computer. Notifications are silent in Do not disturb.</p>
      <ErrorText error={error} />
    </section>
  );
}
