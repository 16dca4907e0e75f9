// Message text split into text and links (linkify-it). Only http(s) links become clickable: they
// are opened in the system browser after a confirmation, never in the app (THREAT-MODEL: a link
// is a way to learn a user's IP address, so the user decides).
import { LinkifyIt } from 'linkify-it';
import { isExternalUrl } from '../../../ipc/external-url.ts';

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; url: string };

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: false });

export function splitLinks(text: string): TextPart[] {
  const matches = linkify.match(text) ?? [];
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of matches) {
    if (!isExternalUrl(m.url)) continue;
    if (m.index > at) parts.push({ kind: 'text', text: text.slice(at, m.index) });
    parts.push({ kind: 'link', text: m.raw, url: m.url });
    at = m.lastIndex;
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) });
  return parts;
}
