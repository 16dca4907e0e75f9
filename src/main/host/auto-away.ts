// Auto-away: the host measures how long the person has been idle and tells the core, which turns
// online into away past the threshold and back when input resumes (core/presence.ts). Electron
// reads the OS idle time (powerMonitor); the browser host only sees input in its own windows
// (`reportActivity`), which is the best a web page can know.
import type { Clock } from '../index.ts';

export interface AutoAwayOptions {
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  /** Seconds since the last input; default: since the last `touch()`. */
  idleSeconds?: () => number;
  /** The user's threshold (settings), read at each check. */
  awayAfterMinutes: () => Promise<number>;
  /** core.setIdle; may throw (locked profile): ignored, tried again at the next check. */
  setIdle: (input: { minutes: number; awayAfterMinutes: number }) => Promise<unknown>;
  /** How often idle time is looked at (default 20 s: away shows within a minute of the threshold). */
  checkEveryMs?: number;
}

export class AutoAway {
  private lastInput: number;
  private timer: unknown = null;
  private reported: { minutes: number; threshold: number } | null = null;
  private stopped = false;

  constructor(private readonly o: AutoAwayOptions) {
    this.lastInput = o.clock.now();
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Input in one of our windows. Reports at once when this ends an idle spell. */
  touch(): void {
    this.lastInput = this.o.clock.now();
    if (this.reported && this.reported.minutes > 0) void this.check();
  }

  idleMinutes(): number {
    const seconds = this.o.idleSeconds ? this.o.idleSeconds() : (this.o.clock.now() - this.lastInput) / 1000;
    return Math.max(0, Math.floor(seconds / 60));
  }

  /** Reports when the whole minutes or the threshold changed; returns whether it reported. */
  async check(): Promise<boolean> {
    const minutes = this.idleMinutes();
    const threshold = await this.o.awayAfterMinutes();
    if (this.reported && this.reported.minutes === minutes && this.reported.threshold === threshold) return false;
    try {
      await this.o.setIdle({ minutes, awayAfterMinutes: threshold });
      this.reported = { minutes, threshold };
      return true;
    } catch {
      return false;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.o.checkEveryMs ?? 20_000);
  }
}
