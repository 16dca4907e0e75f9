// Line input and output for the console over node:readline. Lines are queued as they arrive, so
// prompts (name, passphrase) and commands read from one stream: a script can pipe all of them on
// stdin. On a TTY, prompts are shown, the passphrase is not echoed, and event lines are printed
// above the prompt without losing what the user was typing.
import { createInterface, clearLine, cursorTo, type Interface } from 'node:readline';
import { Writable, type Readable } from 'node:stream';

export interface TerminalOptions {
  input: Readable;
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Interactive (prompts, no echo of secrets). Defaults to input and output being TTYs. */
  interactive?: boolean;
}

export class Terminal {
  readonly interactive: boolean;
  private readonly rl: Interface;
  private readonly out: TerminalOptions['output'];
  private readonly queue: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private ended = false;
  private muted = false;
  private prompting = false;
  private interruptListener: (() => void) | null = null;

  constructor(o: TerminalOptions) {
    this.out = o.output;
    this.interactive = o.interactive ?? Boolean((o.input as { isTTY?: boolean }).isTTY && o.output.isTTY);
    const out = this.out;
    const isMuted = (): boolean => this.muted;
    // readline echoes typed characters through its output: this one drops them while muted.
    const echo = new Writable({
      write(chunk, _enc, done) { if (!isMuted()) out.write(chunk); done(); },
    });
    Object.defineProperty(echo, 'columns', { get: () => out.columns ?? 80 });
    this.rl = createInterface({ input: o.input, output: echo, terminal: this.interactive, historySize: this.interactive ? 100 : 0 });
    this.rl.on('line', (line) => {
      this.prompting = false;
      if (this.waiter) { const w = this.waiter; this.waiter = null; w(line); } else this.queue.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      if (this.waiter) { const w = this.waiter; this.waiter = null; w(null); }
    });
    // Ctrl-C on a TTY arrives here instead of as a process signal.
    this.rl.on('SIGINT', () => { this.interruptListener?.(); });
  }

  onInterrupt(listener: () => void): void { this.interruptListener = listener; }

  /** The next line; null once the input has ended. `hidden`: no echo (passphrases). */
  read(prompt: string, opts: { hidden?: boolean } = {}): Promise<string | null> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(null);
    if (this.interactive) {
      if (opts.hidden) {
        this.out.write(prompt);
        this.muted = true;
      } else {
        this.rl.setPrompt(prompt);
        this.rl.prompt();
        this.prompting = true;
      }
    }
    return new Promise((resolve) => {
      this.waiter = (line) => {
        if (opts.hidden && this.interactive) { this.muted = false; this.out.write('\n'); }
        resolve(line);
      };
    });
  }

  /** Prints a line; on a TTY above the prompt being typed. */
  print(line: string): void {
    if (this.interactive && this.prompting && !this.muted) {
      clearLine(this.out, 0);
      cursorTo(this.out, 0);
      this.out.write(`${line}\n`);
      this.rl.prompt(true);
      return;
    }
    this.out.write(`${line}\n`);
  }

  close(): void {
    // Leave the prompt line (Ctrl-C while it shows) so what follows starts on its own line.
    if (this.interactive && this.prompting) this.out.write('\n');
    this.prompting = false;
    this.rl.close();
  }
}
