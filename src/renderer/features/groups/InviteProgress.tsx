import type { GroupInviteRun, InviteOutcome } from '../../store/group-sessions-slice.ts';
import { memberName, type MemberNames } from './names.ts';

const WORDS: Record<InviteOutcome, (name: string) => string> = {
  waiting: (n) => `${n}: waiting to be invited`,
  asked: (n) => `${n}: invited, waiting for an answer`,
  joined: (n) => `${n} joined`,
  declined: (n) => `${n} declined`,
  expired: (n) => `${n} did not answer in time`,
  failed: (n) => `${n} could not be invited`,
};

/** What became of the people this window invited; a running invitation says "asking". */
export function InviteProgress({ run, names }: { run: GroupInviteRun | undefined; names: MemberNames }) {
  if (!run) return null;
  const entries = Object.entries(run.outcomes);
  if (entries.length === 0) return null;
  return (
    <ul className="invite-progress small" aria-label="Invitations you sent">
      {entries.map(([key, o]) => {
        const shown = o.outcome === 'waiting' && run.current === key ? `${memberName(names, key)}: asking…` : WORDS[o.outcome](memberName(names, key));
        return <li key={key}>{shown}{o.code && <small className="error-code"> ({o.code})</small>}</li>;
      })}
    </ul>
  );
}
