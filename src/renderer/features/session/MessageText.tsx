import { useMemo } from 'react';
import { splitLinks } from './links.ts';

/** Message text with its links as buttons-in-text that ask before opening (never navigate here). */
export function MessageText({ body, onLink }: { body: string; onLink(url: string): void }) {
  const parts = useMemo(() => splitLinks(body), [body]);
  return (
    <p className="message-body">
      {parts.map((p, i) => p.kind === 'text'
        ? <span key={i}>{p.text}</span>
        : <a key={i} href={p.url} rel="noreferrer noopener" onClick={(e) => { e.preventDefault(); onLink(p.url); }}>{p.text}</a>)}
    </p>
  );
}
