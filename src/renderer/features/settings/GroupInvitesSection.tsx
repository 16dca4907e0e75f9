import { useEffect, useId, useMemo, useState } from 'react';
import type { ChannelOutput } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { useStore } from '../../store/index.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { contactName } from '../contacts/presence.ts';
import { pickableContacts } from '../groups/ContactPicker.tsx';

type Policy = ChannelOutput<'groupInvitePolicy'>;

const CHOICES: ReadonlyArray<{ who: Policy['who']; label: string }> = [
  { who: 'contacts', label: 'My contacts' },
  { who: 'allow-list', label: 'Only the people I pick' },
  { who: 'nobody', label: 'Nobody' },
];

/**
 * Who may invite me to group chats (docs/PROTOCOL.md "Who may invite me"), saved in the profile as
 * it changes. An invitation from anyone else is declined without asking; the inviter cannot tell.
 */
export function GroupInvitesSection() {
  const contacts = useStore((s) => s.contacts);
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const ids = { h: useId(), who: useId(), hint: useId() };
  const people = useMemo(() => pickableContacts(contacts, []), [contacts]);

  useEffect(() => {
    let live = true;
    unwrap(api().groupInvitePolicy()).then((p) => { if (live) setPolicy(p); }, (err: unknown) => { if (live) setError(toUiError(err)); });
    return () => { live = false; };
  }, []);

  const save = (next: Policy): void => {
    const before = policy;
    setPolicy(next);
    setError(null);
    unwrap(api().groupSetInvitePolicy({ policy: next })).catch((err: unknown) => { setPolicy(before); setError(toUiError(err)); });
  };
  const allowed = policy?.who === 'allow-list' ? policy.allow : [];
  const choose = (who: Policy['who']): void => save(who === 'allow-list' ? { who, allow: allowed } : { who });
  const toggle = (key: string, on: boolean): void => {
    save({ who: 'allow-list', allow: on ? [...allowed, key] : allowed.filter((k) => k !== key) });
  };
  // Keys picked earlier that are no longer contacts stay on the list (they were chosen on purpose).
  const others = allowed.filter((k) => !people.some((p) => p.key === k)).length;

  return (
    <section aria-labelledby={ids.h}>
      <h3 id={ids.h}>Group chat invitations</h3>
      {policy === null ? (error ? null : <p role="status">Loading…</p>) : (
        <>
          <div role="radiogroup" aria-labelledby={ids.who} aria-describedby={ids.hint}>
            <span id={ids.who} className="group-label">Who may invite you to a group chat</span>
            {CHOICES.map((c) => (
              <label key={c.who} className="radio">
                <input type="radio" name="group-invites" value={c.who} checked={policy.who === c.who} onChange={() => choose(c.who)} />
                {c.label}
              </label>
            ))}
          </div>
          {policy.who === 'allow-list' && (
            <fieldset className="contact-picker">
              <legend>People who may invite you</legend>
              {people.length === 0 ? <p className="muted">No contacts to pick.</p> : (
                <ul>
                  {people.map(({ contact, key }) => (
                    <li key={key}>
                      <label>
                        <input type="checkbox" checked={allowed.includes(key)} onChange={(e) => toggle(key, e.target.checked)} />
                        {contactName(contact)}
                      </label>
                    </li>
                  ))}
                </ul>
              )}
              {others > 0 && <p className="muted small">{others === 1 ? '1 person' : `${others} people`} you picked earlier {others === 1 ? 'is' : 'are'} no longer a contact and still on the list.</p>}
            </fieldset>
          )}
          <p id={ids.hint} className="muted small">
            An invitation from anyone else is declined without asking you, and the person who sent it sees it as declined.
          </p>
        </>
      )}
      <ErrorText error={error} />
    </section>
  );
}
