// Invitation e-mail (DESIGN D3): a draft any mail client can send (`mailto:`), and optional
// sending through the user's own SMTP server with nodemailer. Sotto never runs a mail relay.
//
// Threat note (THREAT-MODEL "invitation-mail reader"): whoever reads an open invitation's mail
// learns the one-time secret s. The text says so and tells the recipient that the inviter will be
// asked to confirm their name and fingerprint; after that confirmation, K_AB no longer depends on
// s alone, so the reader cannot follow the pair's registry entries.
import nodemailer from 'nodemailer';
import { InviteError } from './errors.ts';
import { isInvitationLink } from './link.ts';

export interface InvitationEmailInput {
  link: string;
  /** 'open' links work for whoever opens them first; 'sealed' only for the contact code they name. */
  kind: 'open' | 'sealed';
  inviterName: string;
  /** The inviter's fingerprint, for the recipient to compare out of band. */
  inviterFingerprint: string;
  /** Unix milliseconds. */
  expiresAt: number;
  /** Optional recipient address for the `mailto:` URL. */
  to?: string;
  /** Optional personal note from the inviter, placed above the instructions. */
  note?: string;
}

export interface InvitationEmailDraft {
  to: string | null;
  subject: string;
  body: string;
  /** RFC 6068 mailto URL carrying to, subject and body. */
  mailtoUrl: string;
}

// Deliberately loose: the mail server is the authority; this only stops header injection and typos
// such as a missing '@'. No CR/LF, no commas (one recipient), no angle brackets.
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

export function checkEmailAddress(address: string): string {
  if (typeof address !== 'string' || address.length > 254 || !EMAIL.test(address)) throw InviteError.BAD_EMAIL_ADDRESS(String(address));
  return address;
}

/** Names come from the user; keep them on one line and bounded so they cannot forge mail headers. */
function oneLine(text: string, max: number): string {
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim().slice(0, max);
}

function formatUtc(unixMs: number): string {
  const iso = new Date(unixMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function invitationEmailDraft(input: InvitationEmailInput): InvitationEmailDraft {
  if (!isInvitationLink(input.link)) throw InviteError.NOT_AN_INVITATION_LINK();
  const to = input.to === undefined || input.to === '' ? null : checkEmailAddress(input.to);
  const name = oneLine(input.inviterName, 64) || 'A friend';
  const subject = `${name} invites you to talk on Sotto`;
  const lines: string[] = [];
  if (input.note) lines.push(input.note.slice(0, 2000).replace(/\r\n?/g, '\n'), '');
  lines.push(
    `${name} would like to add you as a contact on Sotto, a messenger that keeps your presence`,
    'private: only the contacts you choose can tell whether you are online.',
    '',
    'To accept:',
    '  1. Install and open Sotto.',
    '  2. Click the link below, or copy it into "Accept invitation".',
    '',
    input.link,
    '',
    `The link works once and expires on ${formatUtc(input.expiresAt)}.`,
  );
  if (input.kind === 'open') {
    lines.push(
      `${name} will be asked to confirm your name and fingerprint before you become contacts.`,
      'If someone else opened this link first, they will decline, and you can ask for a new one.',
    );
  } else {
    lines.push('This invitation is sealed to your contact code: nobody else can use it.');
  }
  lines.push(
    '',
    `${name}'s fingerprint (compare it by phone or in person):`,
    `  ${oneLine(input.inviterFingerprint, 200)}`,
  );
  const body = lines.join('\n');
  // RFC 6068: percent-encode everything, CRLF for line breaks; '#' in the link must be encoded.
  const query = `subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body.replace(/\n/g, '\r\n'))}`;
  const mailtoUrl = `mailto:${to ? encodeURIComponent(to).replace(/%40/g, '@') : ''}?${query}`;
  return { to, subject, body, mailtoUrl };
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** true = implicit TLS (465); false = STARTTLS (587/25), which is then required. */
  secure: boolean;
  /**
   * STARTTLS is required unless this is `false`, which is refused (SMTP_INSECURE) for any host but
   * this computer's loopback: a network attacker stripping STARTTLS would read the password and
   * the link (docs/THREAT-MODEL.md "Invitation e-mail").
   */
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  /** Milliseconds; the user's server is outside our control. */
  timeoutMs?: number;
  /** Only for tests against a local server with a self-signed certificate. */
  allowSelfSigned?: boolean;
}

/** The loopback names and addresses of this computer (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Whether STARTTLS is required; throws SMTP_INSECURE for plaintext to anything but loopback. */
export function smtpRequiresTls(smtp: Pick<SmtpSettings, 'host' | 'secure' | 'requireTLS'>): boolean {
  if (smtp.secure || smtp.requireTLS !== false) return true;
  if (!isLoopbackHost(smtp.host)) throw InviteError.SMTP_INSECURE(smtp.host);
  return false;
}

export interface SendInvitationEmailInput {
  smtp: SmtpSettings;
  from: string;
  to: string;
  draft: Pick<InvitationEmailDraft, 'subject' | 'body'>;
}

export interface SentInvitationEmail {
  messageId: string;
  accepted: string[];
}

/**
 * Sends the draft through the user's own SMTP server. The server sees the user's IP, as it does for
 * any mail the user sends; Sotto's own traffic stays on Tor. EHLO says "localhost" so the host name
 * of the machine does not leak into the mail headers.
 */
export async function sendInvitationEmail(input: SendInvitationEmailInput): Promise<SentInvitationEmail> {
  const from = checkEmailAddress(input.from);
  const to = checkEmailAddress(input.to);
  const { smtp } = input;
  const requireTLS = smtpRequiresTls(smtp);
  const timeout = smtp.timeoutMs ?? 20_000;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS,
    auth: smtp.auth,
    name: 'localhost',
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: smtp.allowSelfSigned ? { rejectUnauthorized: false } : undefined,
  });
  try {
    const info = await transport.sendMail({
      from,
      to,
      subject: input.draft.subject,
      text: input.draft.body,
      headers: { 'X-Mailer': 'Sotto' },
    });
    return { messageId: String(info.messageId), accepted: (info.accepted ?? []).map(String) };
  } catch (err) {
    throw InviteError.SMTP_FAILED(err);
  } finally {
    transport.close();
  }
}
