import type { ContactInfo, SettingsView } from '../ipc/contract.ts';
import type { Slice } from './types.ts';

/** The modal dialogs of the main window; at most one at a time (nested confirms are local). */
export type DialogState =
  | { kind: 'invite' }
  | { kind: 'accept'; link?: string }
  | { kind: 'confirm'; invitationId: string }
  | { kind: 'settings' }
  | { kind: 'privacy' };

/** Something the core noticed that a person must hear about (not background trouble). */
export interface Notice {
  code: string;
  /** The contact as it was when it happened (an invitation taken removes it right after). */
  contact: ContactInfo | null;
}

export interface UiSlice {
  /** The host's settings (theme, notifications, SMTP without its password); null until loaded. */
  settings: SettingsView | null;
  dialog: DialogState | null;
  /** Why the last create/unlock failed, for the screen that follows (create fails -> unlock). */
  startError: { code: string; message: string } | null;
  setStartError(error: { code: string; message: string } | null): void;
  /** The latest notice for the main window, until dismissed. */
  notice: Notice | null;
  setNotice(notice: Notice | null): void;
  setSettings(settings: SettingsView): void;
  openDialog(dialog: DialogState): void;
  closeDialog(): void;
}

export const createUiSlice: Slice<UiSlice> = (set) => ({
  settings: null,
  dialog: null,
  startError: null,
  setStartError: (startError) => set({ startError }),
  notice: null,
  setNotice: (notice) => set({ notice }),
  setSettings: (settings) => set({ settings }),
  openDialog: (dialog) => set({ dialog }),
  closeDialog: () => set({ dialog: null }),
});
