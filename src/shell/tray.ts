// The tray: own status and the total of unread messages at a glance, the status menu, open, quit.
import type { SottoEvent } from '../ipc/index.ts';
import type { MenuItemSpec, TrayPort } from './electron-port.ts';

const STATES = [
  ['online', 'Online'], ['away', 'Away'], ['busy', 'Busy'], ['dnd', 'Do not disturb'], ['invisible', 'Invisible'],
] as const;
export type OwnState = (typeof STATES)[number][0];

export interface TrayOptions {
  tray: TrayPort;
  setState: (state: OwnState) => void;
  open: () => void;
  quit: () => void;
}

export class TrayStatus {
  private state: OwnState | null = null;
  private readonly unread = new Map<string, number>();

  constructor(private readonly o: TrayOptions) {
    o.tray.on('click', () => o.open());
    this.render();
  }

  onEvent(event: SottoEvent): void {
    if (event.type === 'status') {
      this.state = event.status.phase === 'running' ? event.status.presence.effective : null;
    } else if (event.type === 'unread') {
      this.unread.set(event.contactId, event.count);
    } else if (event.type === 'contact') {
      this.unread.set(event.contact.id, event.contact.unread);
    } else if (event.type === 'contact-removed') {
      this.unread.delete(event.contactId);
    } else {
      return;
    }
    this.render();
  }

  totalUnread(): number {
    let n = 0;
    for (const c of this.unread.values()) n += c;
    return n;
  }

  tooltip(): string {
    const word = this.state ? STATES.find(([s]) => s === this.state)![1] : 'Locked';
    const n = this.totalUnread();
    return n > 0 ? `Sotto: ${word}, ${n} unread` : `Sotto: ${word}`;
  }

  private render(): void {
    this.o.tray.setToolTip(this.tooltip());
    const items: MenuItemSpec[] = [{ label: 'Open Sotto', click: this.o.open }, { label: '', type: 'separator' }];
    if (this.state) {
      for (const [state, label] of STATES) items.push({ label, type: 'radio', checked: this.state === state, click: () => this.o.setState(state) });
      items.push({ label: '', type: 'separator' });
    }
    items.push({ label: 'Quit Sotto', click: this.o.quit });
    this.o.tray.setContextMenu(items);
  }
}
