// The UI settings (src/ipc/settings.ts) in the profile's encrypted settings store. The renderer
// only ever gets the view: the SMTP password stays here (docs/ARCHITECTURE.md "src/ipc").
import {
  DEFAULT_SETTINGS, settingsStoredSchema, settingsUpdateSchema, settingsViewSchema,
} from '../../ipc/index.ts';
import type { z } from 'zod';

export type StoredSettings = z.output<typeof settingsStoredSchema>;
export type SettingsView = z.output<typeof settingsViewSchema>;
export type SettingsUpdate = z.output<typeof settingsUpdateSchema>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The part of the profile store's settings these need (src/main/store Settings). */
export interface SettingsPort {
  get(key: string): Promise<Json | undefined>;
  set(key: string, value: Json): Promise<void>;
}

const KEY = 'ui.settings';

export class UiSettings {
  /** `port` throws LOCKED while no profile is open, and so does every method here. */
  constructor(private readonly port: () => SettingsPort) {}

  async stored(): Promise<StoredSettings> {
    const raw = await this.port().get(KEY);
    // Fields added in later versions get their defaults; a damaged record falls back to defaults
    // rather than locking the person out of the settings screen.
    const merged = settingsStoredSchema.safeParse(raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...DEFAULT_SETTINGS, ...raw } : DEFAULT_SETTINGS);
    return merged.success ? merged.data : { ...DEFAULT_SETTINGS };
  }

  async view(): Promise<SettingsView> {
    return toView(await this.stored());
  }

  async update(patch: SettingsUpdate): Promise<SettingsView> {
    const current = await this.stored();
    const { smtp, ...rest } = patch;
    const next: StoredSettings = { ...current };
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) Object.assign(next, { [key]: value });
    if (smtp === null) next.smtp = null;
    else if (smtp !== undefined) {
      const { password, ...server } = smtp;
      next.smtp = { ...server, password: password ?? current.smtp?.password ?? '' };
    }
    await this.port().set(KEY, next);
    return toView(next);
  }
}

export function toView(s: StoredSettings): SettingsView {
  const { smtp, ...rest } = s;
  if (!smtp) return { ...rest, smtp: null };
  const { password, ...server } = smtp;
  return { ...rest, smtp: { ...server, passwordSet: password.length > 0 } };
}
