import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { PresenceState } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useStore } from '../../store/index.ts';
import { PresenceIcon } from '../../components/PresenceIcon.tsx';
import { OWN_STATES } from './presence.ts';

function isPresenceState(v: string): v is PresenceState {
  return OWN_STATES.some((s) => s.state === v);
}

/** Own name, status selector and custom text (UI.md main window header). */
export function OwnStatus({ onError }: { onError(err: unknown): void }) {
  const name = useStore((s) => s.profile?.displayName ?? '');
  const state = useStore((s) => s.presence.state);
  const effective = useStore((s) => s.presence.effective);
  const savedText = useStore((s) => s.presence.text);
  const [text, setText] = useState(savedText);
  const ids = { state: useId(), text: useId() };
  useEffect(() => setText(savedText), [savedText]);

  // The menu shows the choice at once and the saved state once the core answered.
  const [choosing, setChoosing] = useState<PresenceState | null>(null);
  const save = (next: PresenceState, nextText: string) => {
    setChoosing(next);
    unwrap(api().setPresence({ state: next, text: nextText }))
      .then((status) => useStore.getState().applyStatus(status))
      .catch(onError)
      .finally(() => setChoosing(null));
  };
  const onTextKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') { e.preventDefault(); save(state, text); }
    if (e.key === 'Escape') setText(savedText);
  };

  return (
    <header className="own-status">
      <div className="own-line">
        <PresenceIcon state={effective} />
        <h1 className="own-name">{name}</h1>
        <label htmlFor={ids.state} className="visually-hidden">Your status</label>
        <select id={ids.state} value={choosing ?? state} onChange={(e) => { if (isPresenceState(e.target.value)) save(e.target.value, text); }}>
          {OWN_STATES.map((s) => <option key={s.state} value={s.state}>{s.label}</option>)}
        </select>
      </div>
      {effective !== state && <p className="muted small">Shown as away while you're not at the computer.</p>}
      <label htmlFor={ids.text} className="visually-hidden">Status message</label>
      <input id={ids.text} className="status-text" placeholder="What are you up to?" value={text} maxLength={140}
        onChange={(e) => setText(e.target.value)} onKeyDown={onTextKey} onBlur={() => { if (text !== savedText) save(state, text); }} />
    </header>
  );
}
