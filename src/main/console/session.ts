// Runs console commands against the core's public API (the same calls the desktop UI makes over
// IPC) and prints the results. One command at a time; events are printed by the host as they come.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AcceptInput, ContactInfo, InvitationInfo, MessageInfo, SottoCore } from '../index.ts';
import type { Command } from './commands.ts';
import { HELP } from './commands.ts';
import { ConsoleError } from './errors.ts';
import { formatContact, formatContactDetails, formatInvitation, formatMessage, formatPresence, formatProfile, quoted } from './format.ts';

export interface SessionOptions {
  core: SottoCore;
  profileDir: string;
  print: (line: string) => void;
  /** A message of ours was stored (the host shows its delivery when the ack comes). */
  onSent?: (messageId: string, body: string) => void;
}

/** The largest file `accept <path>` reads: a photo of a QR code from a phone fits. */
const MAX_ACCEPT_FILE_BYTES = 32 * 1024 * 1024;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
/** How long `say` waits for the ack before printing (an open link answers well within it). */
const SAY_ACK_WAIT_MS = 2_000;

/** Resolves when `check` holds or after `ms` (polled every 10 ms). */
async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

export class ConsoleSession {
  private readonly core: SottoCore;
  private readonly print: (line: string) => void;
  private readonly onSent: (messageId: string, body: string) => void;
  readonly invitationsDir: string;

  constructor(o: SessionOptions) {
    this.core = o.core;
    this.print = o.print;
    this.onSent = o.onSent ?? (() => undefined);
    this.invitationsDir = join(o.profileDir, 'invitations');
  }

  /** Runs one command; resolves 'quit' when the user asked to leave. Throws coded errors. */
  async run(cmd: Command): Promise<'quit' | void> {
    const core = this.core;
    switch (cmd.name) {
      case 'empty': return;
      case 'help': this.print(HELP); return;
      case 'quit': return 'quit';
      case 'whoami': for (const l of formatProfile(core.profile())) this.print(l); return;
      case 'status': {
        const s = cmd.state === null ? core.status() : await core.setPresence({ state: cmd.state, text: cmd.text });
        const shown = s.presence.effective !== s.presence.state ? `${s.presence.effective} (set: ${s.presence.state})` : s.presence.state;
        this.print(`status: ${formatPresence(shown, s.presence.text)}`);
        this.print(`tor: ${s.tor.progress}% ${s.tor.summary}`);
        return;
      }
      case 'invite-open': return this.invite(await core.createInvitation({ kind: 'open' }));
      case 'invite-sealed':
        return this.invite(await core.createInvitation({ kind: 'sealed', contactCode: cmd.contactCode, ...(cmd.nickname ? { nickname: cmd.nickname } : {}) }));
      case 'accept': {
        const result = await core.acceptInvitation(await this.acceptInput(cmd.source));
        const c = result.contact;
        this.print(`accepted ${result.kind} invitation from ${c.nickname} (fingerprint ${c.fingerprint}): contact ${c.phase}, id ${c.id.slice(0, 8)}`);
        if (c.phase === 'pending') this.print(`waiting for ${c.nickname} to confirm you (they see your name and fingerprint)`);
        return;
      }
      case 'confirm': {
        const id = await this.invitationId(cmd.id);
        const c = await core.confirmInvitation({ id, ...(cmd.nickname ? { nickname: cmd.nickname } : {}) });
        this.print(`contact ${c.nickname} confirmed (id ${c.id.slice(0, 8)}, fingerprint ${c.fingerprint})`);
        return;
      }
      case 'decline': {
        const inv = await core.declineInvitation({ id: await this.invitationId(cmd.id) });
        this.print(`invitation ${inv.id} ${inv.state}`);
        return;
      }
      case 'invitations': {
        const list = await core.listInvitations();
        if (list.length === 0) this.print('no invitations (invite open | invite sealed <contact code>)');
        for (const i of list) this.print(formatInvitation(i));
        return;
      }
      case 'contacts': {
        const list = await core.listContacts();
        if (list.length === 0) this.print('no contacts yet (invite open, or accept <link>)');
        for (const c of list) this.print(formatContact(c));
        return;
      }
      case 'say': {
        const c = await this.contact(cmd.contact);
        // On an open link the ack takes a round trip over tor (tens of ms): wait that long so the
        // one line says "delivered"; a later ack prints its own line (console.ts).
        let status: MessageInfo['status'] | null = null;
        let sent: MessageInfo | null = null;
        const off = core.onEvent((e) => { if (e.type === 'message-status' && e.contactId === c.id && e.messageId === sent?.id) status = e.status; });
        try {
          sent = await core.sendMessage({ contactId: c.id, body: cmd.text });
          this.onSent(sent.id, sent.body);
          if (c.presence.state !== 'offline') await until(() => status === 'acked' || status === 'read', SAY_ACK_WAIT_MS);
        } finally {
          off();
        }
        const shown = { ...sent, status: status ?? sent.status };
        const waiting = shown.status === 'queued' || shown.status === 'sent'
          ? c.presence.state === 'offline' ? `  -- ${c.nickname} is offline: it is kept and sent when they come online` : ''
          : '';
        this.print(`${formatMessage(shown, c.nickname)}${waiting}`);
        return;
      }
      case 'history': {
        const c = await this.contact(cmd.contact);
        const page = await core.history({ contactId: c.id, limit: 50 });
        if (page.messages.length === 0) this.print(`no messages with ${c.nickname} yet`);
        for (const m of [...page.messages].reverse()) this.print(formatMessage(m, c.nickname, { withDate: true }));
        if (c.unread > 0) await core.markRead({ contactId: c.id });
        return;
      }
      case 'visible': case 'invisible': {
        const c = await core.updateContact({ id: (await this.contact(cmd.contact)).id, visible: cmd.name === 'visible' });
        this.print(c.visible ? `${c.nickname} can see your presence again` : `${c.nickname} now sees you offline`);
        return;
      }
      case 'revoke': {
        const c = await core.revokeContact({ id: (await this.contact(cmd.contact)).id });
        this.print(`${c.nickname} revoked: they can no longer find or reach you (delete ${quoted(c.nickname)} removes them from the list)`);
        return;
      }
      case 'delete': {
        const c = await this.contact(cmd.contact);
        await core.deleteContact({ id: c.id });
        this.print(`${c.nickname} deleted with the whole conversation`);
        return;
      }
      case 'block': case 'unblock': {
        const id = (await this.contact(cmd.contact)).id;
        const c = cmd.name === 'block' ? await core.blockContact({ id }) : await core.unblockContact({ id });
        this.print(cmd.name === 'block' ? `${c.nickname} blocked: they see you offline and cannot reach you (unblock undoes it)` : `${c.nickname} unblocked`);
        return;
      }
      case 'rename': {
        const c = await core.updateContact({ id: (await this.contact(cmd.contact)).id, nickname: cmd.nickname });
        this.print(`renamed to ${c.nickname}`);
        return;
      }
      case 'show': for (const l of formatContactDetails(await this.contact(cmd.contact))) this.print(l); return;
      case 'verify': {
        const c = await core.updateContact({ id: (await this.contact(cmd.contact)).id, verified: true });
        this.print(`${c.nickname} marked verified (safety number ${c.safetyNumber})`);
        return;
      }
      case 'receipts': case 'typing': {
        const c = await core.updateContact({ id: (await this.contact(cmd.contact)).id, [cmd.name]: cmd.on });
        const what = cmd.name === 'receipts' ? 'read receipts' : 'typing indicators';
        this.print(`${what} ${cmd.on ? 'on' : 'off'} for ${c.nickname}`);
        return;
      }
      case 'cancel': {
        const inv = await core.cancelInvitation({ id: await this.invitationId(cmd.id) });
        this.print(`invitation ${inv.id} ${inv.state}`);
        return;
      }
    }
  }

  /**
   * Deletes the QR and e-mail copies of every invitation that is no longer live: an open link
   * carries s, which must not outlive the invitation on disk (docs/THREAT-MODEL.md "Invitation
   * secret"). Run at start and on every invitation event.
   */
  async sweepInvitationFiles(): Promise<string[]> {
    const names = await readdir(this.invitationsDir).catch(() => [] as string[]);
    if (names.length === 0) return [];
    const live = new Set((await this.core.listInvitations())
      .filter((i) => i.state === 'pending' || i.state === 'awaiting-confirmation').map((i) => i.id));
    const gone = names.filter((n) => /^[0-9a-f]{32}\.(png|svg|eml)$/.test(n) && !live.has(n.slice(0, 32)));
    await Promise.all(gone.map((n) => rm(join(this.invitationsDir, n), { force: true })));
    return gone;
  }

  /** Prints the link and writes the QR (PNG, SVG) and an e-mail draft into the profile folder. */
  private async invite(inv: InvitationInfo): Promise<void> {
    await mkdir(this.invitationsDir, { recursive: true, mode: 0o700 });
    const base = join(this.invitationsDir, inv.id);
    const [png, svg, draft] = await Promise.all([
      this.core.invitationQr({ id: inv.id, format: 'png' }),
      this.core.invitationQr({ id: inv.id, format: 'svg' }),
      this.core.invitationEmail({ id: inv.id }),
    ]);
    // The link is a secret until redeemed (an open one lets whoever reads it redeem): 0600.
    await writeFile(`${base}.png`, Buffer.from(png.data, 'base64'), { mode: 0o600 });
    await writeFile(`${base}.svg`, svg.data, { mode: 0o600 });
    const eml = [...(draft.to ? [`To: ${draft.to}`] : []), `Subject: ${draft.subject}`, 'Content-Type: text/plain; charset=utf-8', '', draft.body, ''].join('\r\n');
    await writeFile(`${base}.eml`, eml, { mode: 0o600 });
    this.print(`invitation ${inv.id} (${inv.kind}, expires ${new Date(inv.expiresAt).toISOString()})`);
    this.print(`link: ${inv.link}`);
    this.print(`qr: ${base}.png ${base}.svg`);
    this.print(`e-mail draft: ${base}.eml (these copies are deleted once the invitation is used, cancelled or expired)`);
    if (inv.kind === 'open') this.print('anyone with this link can redeem it once; you confirm who did (confirm <id>)');
  }

  /** A link, a file (QR image or text holding a link), or pasted text. */
  private async acceptInput(source: string): Promise<AcceptInput> {
    if (/^sotto:/i.test(source)) return { link: source };
    const info = await stat(source).catch(() => null);
    if (!info?.isFile()) return { text: source };
    if (info.size > MAX_ACCEPT_FILE_BYTES) throw ConsoleError.FILE_UNREADABLE(source, new Error(`larger than ${MAX_ACCEPT_FILE_BYTES} bytes`));
    let bytes: Buffer;
    try {
      bytes = await readFile(source);
    } catch (err) {
      throw ConsoleError.FILE_UNREADABLE(source, err);
    }
    if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return { imagePngBase64: bytes.toString('base64') };
    return { text: bytes.toString('utf8') };
  }

  /** A full invitation id or an unambiguous start of one (ids are 32 hex characters). */
  private async invitationId(prefix: string): Promise<string> {
    const p = prefix.toLowerCase();
    const hits = (await this.core.listInvitations()).filter((i) => i.id.startsWith(p));
    if (hits.length === 1) return hits[0]!.id;
    if (hits.length === 0) return prefix; // the core says NOT_FOUND
    throw ConsoleError.BAD_ARGUMENTS(`"${prefix}" matches ${hits.length} invitations: type more of the id`);
  }

  /** A nickname (case-insensitive), else the start of a contact id. */
  async contact(ref: string): Promise<ContactInfo> {
    const all = await this.core.listContacts();
    const lower = ref.toLowerCase();
    const byName = all.filter((c) => c.nickname.toLowerCase() === lower);
    if (byName.length === 1) return byName[0]!;
    if (byName.length > 1) throw ConsoleError.AMBIGUOUS_CONTACT(ref, byName.map((c) => c.id));
    const byId = lower.length >= 4 ? all.filter((c) => c.id.startsWith(lower)) : [];
    if (byId.length === 1) return byId[0]!;
    if (byId.length > 1) throw ConsoleError.AMBIGUOUS_CONTACT(ref, byId.map((c) => c.id));
    throw ConsoleError.UNKNOWN_CONTACT(ref);
  }
}
