// Native notifications for new messages and for someone waiting to be confirmed; silent in do not
// disturb, when switched off in the settings, and for the conversation the person is looking at.
import type { SottoEvent } from '../ipc/index.ts';

const PREVIEW_CHARS = 120;

export interface NotifierOptions {
  notify: (n: { title: string; body: string; onClick: () => void }) => void;
  /** The settings switch (read each time: it may change). */
  enabled: () => Promise<boolean>;
  /** The contact's shown name. */
  nameOf: (contactId: string) => Promise<string>;
  sessionFocused: (contactId: string) => boolean;
  openSession: (contactId: string) => void;
  openMain: () => void;
}

export class Notifier {
  private dnd = false;

  constructor(private readonly o: NotifierOptions) {}

  async onEvent(event: SottoEvent): Promise<boolean> {
    if (event.type === 'status') {
      this.dnd = event.status.presence.effective === 'dnd';
      return false;
    }
    if (this.dnd || (event.type !== 'message' && event.type !== 'invitation-redeemed')) return false;
    if (event.type === 'message' && (event.message.direction !== 'in' || this.o.sessionFocused(event.message.contactId))) return false;
    if (!(await this.o.enabled().catch(() => false))) return false;
    if (event.type === 'message') {
      const { contactId, body } = event.message;
      const preview = body.length > PREVIEW_CHARS ? `${body.slice(0, PREVIEW_CHARS - 1)}…` : body;
      this.o.notify({ title: await this.o.nameOf(contactId).catch(() => 'New message'), body: preview, onClick: () => this.o.openSession(contactId) });
    } else {
      const who = event.invitation.redeemer?.displayName || 'Someone';
      this.o.notify({ title: `${who} wants to connect`, body: 'Compare the fingerprint, then confirm or decline.', onClick: () => this.o.openMain() });
    }
    return true;
  }
}
