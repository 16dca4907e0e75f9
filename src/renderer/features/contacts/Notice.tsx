import { noticeWords } from '../../components/user-words.ts';
import { useStore } from '../../store/index.ts';
import { contactName } from './presence.ts';

/** The core's latest notice that concerns a contact (store/events.ts PERSON_WARNINGS), until dismissed. */
export function Notice() {
  const notice = useStore((s) => s.notice);
  const setNotice = useStore((s) => s.setNotice);
  if (!notice) return null;
  return (
    <div className="error notice">
      <p role="alert">
        {noticeWords(notice.code, notice.contact ? contactName(notice.contact) : null)} <small className="error-code">({notice.code})</small>
      </p>
      <button type="button" onClick={() => setNotice(null)}>Dismiss</button>
    </div>
  );
}
