import { useMemo } from 'react';
import { useStore } from '../../store/index.ts';
import { selectAwaitingConfirmation } from '../../store/selectors.ts';

/** "Dara wants to connect [Review]": open invitations someone redeemed, waiting for us. */
export function PendingInvitations() {
  const invitations = useStore((s) => s.invitations);
  const waiting = useMemo(() => selectAwaitingConfirmation(invitations), [invitations]);
  const openDialog = useStore((s) => s.openDialog);
  if (waiting.length === 0) return null;
  return (
    <section className="pending" aria-label="Pending invitations">
      <ul>
        {waiting.map((i) => {
          const who = i.redeemer?.displayName || 'Someone';
          return (
            <li key={i.id}>
              <span>{who} wants to connect</span>
              <button type="button" aria-label={`Review ${who}`} onClick={() => openDialog({ kind: 'confirm', invitationId: i.id })}>Review</button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
