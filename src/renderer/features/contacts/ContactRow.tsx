import { memo } from 'react';
import type { ContactInfo } from '../../ipc/contract.ts';
import { PresenceIcon } from '../../components/PresenceIcon.tsx';
import { useCssBox } from '../../components/use-css-box.ts';
import { contactAccessibleName, contactName, contactStateWord } from './presence.ts';

interface ContactRowProps {
  contact: ContactInfo;
  optionId: string;
  index: number;
  total: number;
  top: number;
  active: boolean;
  onPick(index: number): void;
  onOpen(id: string): void;
}

export const ContactRow = memo(function ContactRow({ contact: c, optionId, index, total, top, active, onPick, onOpen }: ContactRowProps) {
  const ref = useCssBox<HTMLDivElement>({ translateY: top });
  const shown = c.phase === 'confirmed' ? c.presence.state : 'offline';
  const word = contactStateWord(c);
  const detail = c.phase === 'confirmed' && c.presence.state !== 'offline' && c.presence.text ? `${word} · ${c.presence.text}` : word;
  return (
    <div ref={ref} id={optionId} role="option" aria-selected={active} aria-label={contactAccessibleName(c)}
      aria-setsize={total} aria-posinset={index + 1}
      className={active ? 'contact-row active' : 'contact-row'}
      onClick={() => onPick(index)} onDoubleClick={() => onOpen(c.id)}>
      <PresenceIcon state={shown} />
      <span className="contact-name">{contactName(c)}</span>
      <span className="contact-detail">{detail}</span>
      {c.unread > 0 && <span className="badge" aria-hidden="true">{c.unread}<span className="visually-hidden"> unread</span></span>}
    </div>
  );
});
