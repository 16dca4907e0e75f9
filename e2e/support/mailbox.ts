// A real SMTP server on 127.0.0.1 (npm smtp-server) that keeps what it is sent, so a test can read
// an invitation mail as the recipient would. Plain loopback without TLS: the app allows that only
// when the user turns TLS off for a loopback server (docs/THREAT-MODEL.md).
import { SMTPServer } from 'smtp-server';

export interface DeliveredMail { from: string; to: string[]; raw: string }

/**
 * The text a mail program shows for a single-part text mail: the body after the headers with its
 * transfer encoding undone (quoted-printable wraps a long link with `=` soft breaks).
 */
export function mailText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return body;
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export interface Mailbox {
  readonly port: number;
  readonly mails: DeliveredMail[];
  close(): Promise<void>;
}

const MAX_MAIL_BYTES = 1024 * 1024;

export async function startMailbox(o: { user: string; password: string }): Promise<Mailbox> {
  const mails: DeliveredMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    allowInsecureAuth: true,
    size: MAX_MAIL_BYTES,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === o.user && auth.password === o.password) callback(null, { user: auth.username });
      else callback(new Error('wrong user or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('smtp server has no port');
  return {
    port: address.port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
