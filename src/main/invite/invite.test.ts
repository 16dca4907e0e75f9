import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { PNG } from 'pngjs';
import {
  INVITATION_LINK_PREFIX,
  InviteError,
  findInvitationLink,
  isInvitationLink,
  invitationLinkCandidates,
  invitationEmailDraft,
  invitationLinkFromImage,
  renderInvitationQrPng,
  renderInvitationQrSvg,
  sendInvitationEmail,
  smtpRequiresTls,
} from './index.ts';

// A sealed invitation is ~216 bytes -> ~290 base64url characters; use that size.
const link = INVITATION_LINK_PREFIX + randomBytes(216).toString('base64url');

function assertCode(code: string) {
  return (err: unknown) => err instanceof InviteError && err.code === code;
}

test('QR round trip: render PNG, decode it with jsqr, get the same link', async () => {
  const png = await renderInvitationQrPng(link);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(invitationLinkFromImage(png), link);
});

test('QR from decoded RGBA pixels, also inverted (dark-mode screenshot)', async () => {
  const png = PNG.sync.read(await renderInvitationQrPng(link, { scale: 4 }));
  assert.equal(invitationLinkFromImage({ width: png.width, height: png.height, data: png.data }), link);
  const inverted = Buffer.from(png.data);
  for (let i = 0; i < inverted.length; i += 4) {
    inverted[i] = 255 - inverted[i]!; inverted[i + 1] = 255 - inverted[i + 1]!; inverted[i + 2] = 255 - inverted[i + 2]!;
  }
  assert.equal(invitationLinkFromImage({ width: png.width, height: png.height, data: inverted }), link);
});

test('SVG rendering is a standalone svg document', async () => {
  const svg = await renderInvitationQrSvg(link);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<path/);
});

test('refuses to render what is not an invitation link', async () => {
  await assert.rejects(renderInvitationQrPng('https://example.org'), assertCode('NOT_AN_INVITATION_LINK'));
  await assert.rejects(renderInvitationQrSvg(`${link}\nBCC: x@y.z`), assertCode('NOT_AN_INVITATION_LINK'));
});

test('bad images get coded errors, never a crash', async () => {
  assert.throws(() => invitationLinkFromImage(Buffer.from('GIF89a not a png')), assertCode('IMAGE_UNSUPPORTED'));
  const truncated = (await renderInvitationQrPng(link)).subarray(0, 100);
  assert.throws(() => invitationLinkFromImage(truncated), assertCode('IMAGE_UNSUPPORTED'));
  // A header that announces a huge image is refused before decompression (bomb).
  const bomb = Buffer.from(await renderInvitationQrPng(link));
  bomb.writeUInt32BE(100_000, 16);
  bomb.writeUInt32BE(100_000, 20);
  assert.throws(() => invitationLinkFromImage(bomb), assertCode('IMAGE_TOO_LARGE'));
  const blank = new PNG({ width: 64, height: 64 });
  blank.data.fill(255);
  assert.throws(() => invitationLinkFromImage(PNG.sync.write(blank)), assertCode('QR_NOT_FOUND'));
  assert.throws(() => invitationLinkFromImage({ width: 2, height: 2, data: new Uint8Array(3) }), assertCode('IMAGE_UNSUPPORTED'));
  // A QR code of something else (a web address) is not an invitation.
  const QRCode = (await import('qrcode')).default;
  const other = await QRCode.toBuffer('https://example.org/', { type: 'png' });
  assert.throws(() => invitationLinkFromImage(other), assertCode('QR_NOT_AN_INVITATION'));
});

test('finds the link in pasted text, deep links and wrapped e-mail bodies', () => {
  const payload = link.slice(INVITATION_LINK_PREFIX.length);
  assert.equal(findInvitationLink(link), link);
  assert.equal(findInvitationLink(`  ${link}\n`), link);
  assert.equal(findInvitationLink(`<${link}>`), link);
  assert.equal(findInvitationLink(`sotto://invite/v1%23${payload}`), link);
  const wrapped = `Hi!\n\n${INVITATION_LINK_PREFIX}${payload.slice(0, 50)}\n${payload.slice(50, 120)}\n${payload.slice(120)}\n\nThe link works once.`;
  assert.equal(findInvitationLink(wrapped), link);
  const quoted = `> ${INVITATION_LINK_PREFIX}${payload.slice(0, 60)}\n> ${payload.slice(60)}\n> bye`;
  // "bye" is valid base64url: the strict decoder (here: the known length) decides where it ends.
  assert.equal(findInvitationLink(quoted, (l) => l.length === link.length), link);
  assert.deepEqual(invitationLinkCandidates(quoted).map((l) => l.length), [link.length + 3, link.length, INVITATION_LINK_PREFIX.length + 60]);
  assert.equal(findInvitationLink('https://sotto.example/invite'), null);
  assert.equal(findInvitationLink('sotto://invite/v1#'), null);
  assert.equal(findInvitationLink('sotto://invite/v3#abc'), null);
  // v2 links (with the inviter's gateways) are found the same way.
  assert.equal(findInvitationLink(`Join: sotto://invite/v2%23${payload.slice(0, 50)}\n${payload.slice(50)}`), `sotto://invite/v2#${payload}`);
  assert.ok(isInvitationLink(`sotto://invite/v2#${payload}`));
  assert.equal(findInvitationLink(undefined as unknown as string), null);
});

test('e-mail draft: subject, body with link and instructions, mailto URL that round-trips', () => {
  const draft = invitationEmailDraft({
    link, kind: 'open', inviterName: 'Alice\r\nBcc: evil@example.org', inviterFingerprint: '1234 5678 9012',
    expiresAt: Date.UTC(2030, 0, 2, 3, 4), to: 'bob@example.org',
  });
  assert.equal(draft.subject.includes('\n'), false, 'user text cannot add mail headers');
  assert.match(draft.subject, /^Alice Bcc: evil@example.org invites you/);
  assert.ok(draft.body.includes(link));
  assert.ok(draft.body.includes('2030-01-02 03:04 UTC'));
  assert.ok(draft.body.includes('1234 5678 9012'));
  assert.match(draft.body, /confirm your name and fingerprint/);
  const url = new URL(draft.mailtoUrl);
  assert.equal(url.protocol, 'mailto:');
  assert.equal(url.pathname, 'bob@example.org');
  assert.equal(url.hash, '', "the link's # must be percent-encoded");
  assert.equal(url.searchParams.get('subject'), draft.subject);
  assert.equal(url.searchParams.get('body')?.replace(/\r\n/g, '\n'), draft.body);
  assert.equal(findInvitationLink(url.searchParams.get('body')!), link);
  assert.throws(() => invitationEmailDraft({ link, kind: 'sealed', inviterName: 'A', inviterFingerprint: 'f', expiresAt: 0, to: 'bob@x.org\r\nBcc: e@x.org' }), assertCode('BAD_EMAIL_ADDRESS'));
  assert.throws(() => invitationEmailDraft({ link: 'nope', kind: 'sealed', inviterName: 'A', inviterFingerprint: 'f', expiresAt: 0 }), assertCode('NOT_AN_INVITATION_LINK'));
});

/** The smallest SMTP server that nodemailer will talk to; records what it received. */
async function startSmtpServer(opts: { rejectRcpt?: boolean } = {}) {
  const received: { from: string; to: string[]; data: string }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    socket.write('220 localhost test SMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-localhost\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') { current.from = line; socket.write('250 ok\r\n'); }
        else if (verb === 'RCPT') {
          if (opts.rejectRcpt) socket.write('550 5.1.1 no such user\r\n');
          else { current.to.push(line); socket.write('250 ok\r\n'); }
        } else if (verb === 'DATA') { inData = true; socket.write('354 go\r\n'); }
        else if (verb === 'QUIT') { socket.end('221 bye\r\n'); }
        else if (verb === 'RSET') socket.write('250 ok\r\n');
        else socket.write('502 unknown\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port, received,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

test('SMTP: sends the draft through the user\'s server', async (t) => {
  const smtp = await startSmtpServer();
  t.after(() => smtp.close());
  const draft = invitationEmailDraft({ link, kind: 'open', inviterName: 'Alice', inviterFingerprint: 'ff', expiresAt: Date.UTC(2030, 0, 1) });
  const sent = await sendInvitationEmail({
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false, requireTLS: false, timeoutMs: 5000 },
    from: 'alice@example.org', to: 'bob@example.org', draft,
  });
  assert.deepEqual(sent.accepted, ['bob@example.org']);
  assert.equal(smtp.received.length, 1);
  const mail = smtp.received[0]!;
  assert.match(mail.from, /alice@example.org/);
  assert.match(mail.to[0]!, /bob@example.org/);
  assert.match(mail.data, /Subject: Alice invites you to talk on Sotto/);
  // The body may be quoted-printable or wrapped; the link must survive the trip.
  const decoded = mail.data.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  assert.equal(findInvitationLink(decoded.slice(decoded.indexOf('\r\n\r\n'))), link);
  assert.doesNotMatch(mail.data, new RegExp(`@${(await import('node:os')).hostname()}[>\\s]`), 'host name stays out of the headers');
});

test('SMTP: refused recipient and unreachable server are coded errors', async (t) => {
  const smtp = await startSmtpServer({ rejectRcpt: true });
  t.after(() => smtp.close());
  const draft = invitationEmailDraft({ link, kind: 'sealed', inviterName: 'Alice', inviterFingerprint: 'ff', expiresAt: 0 });
  await assert.rejects(sendInvitationEmail({ smtp: { host: '127.0.0.1', port: smtp.port, secure: false, requireTLS: false, timeoutMs: 5000 }, from: 'a@example.org', to: 'b@example.org', draft }), assertCode('SMTP_FAILED'));
  const closed = await startSmtpServer();
  const port = closed.port;
  await closed.close();
  await assert.rejects(sendInvitationEmail({ smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, timeoutMs: 2000 }, from: 'a@example.org', to: 'b@example.org', draft }), assertCode('SMTP_FAILED'));
  await assert.rejects(sendInvitationEmail({ smtp: { host: '127.0.0.1', port, secure: false }, from: 'not an address', to: 'b@example.org', draft }), assertCode('BAD_EMAIL_ADDRESS'));
});

test('SMTP: TLS is required unless turned off for a server on this computer (issue 9 item 8)', async (t) => {
  const smtp = await startSmtpServer();
  t.after(() => smtp.close());
  const draft = invitationEmailDraft({ link, kind: 'open', inviterName: 'Alice', inviterFingerprint: 'ff', expiresAt: Date.UTC(2030, 0, 1) });
  const send = (s: { host: string; requireTLS?: boolean; secure?: boolean }) => sendInvitationEmail({
    smtp: { port: smtp.port, secure: false, timeoutMs: 5000, ...s }, from: 'alice@example.org', to: 'bob@example.org', draft,
  });
  // The server offers no STARTTLS: by default nothing is sent (the password would go in clear).
  await assert.rejects(send({ host: '127.0.0.1' }), assertCode('SMTP_FAILED'));
  assert.equal(smtp.received.length, 0);
  // Turning TLS off is refused for anything but loopback, before any connection.
  for (const host of ['mail.example.org', '10.0.0.1', '192.168.1.1', '::ffff:127.0.0.1', '127.0.0.1.example.org']) {
    await assert.rejects(send({ host, requireTLS: false }), assertCode('SMTP_INSECURE'), host);
  }
  for (const host of ['127.0.0.1', 'localhost', '127.1.2.3']) assert.equal(smtpRequiresTls({ host, secure: false, requireTLS: false }), false, host);
  assert.equal(smtpRequiresTls({ host: 'mail.example.org', secure: true, requireTLS: false }), true, 'implicit TLS is TLS');
  await send({ host: 'localhost', requireTLS: false });
  assert.equal(smtp.received.length, 1);
});

test('e-mail draft: no recipient means no "to", never the text "null"', () => {
  const draft = invitationEmailDraft({ link, kind: 'open', inviterName: 'Alice', inviterFingerprint: 'ff', expiresAt: Date.UTC(2030, 0, 1) });
  assert.equal(draft.to, null);
  assert.doesNotMatch(draft.mailtoUrl, /null/);
  assert.match(draft.mailtoUrl, /^mailto:\?subject=/);
});
