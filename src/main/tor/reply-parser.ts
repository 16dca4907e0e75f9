// Incremental parser of tor control-protocol replies (control-spec section 2.3 / 4):
//   MidReplyLine  = StatusCode "-" ReplyLine
//   DataReplyLine = StatusCode "+" ReplyLine CmdData   (CmdData: dot-escaped lines ending in ".")
//   EndReplyLine  = StatusCode SP ReplyLine
// A reply ends with its EndReplyLine. TCP may split a line across chunks or merge several replies
// (and async 650 events) into one chunk, so the parser keeps state across `push` calls and hands
// out whole replies only.
import { StringDecoder } from 'node:string_decoder';
import { TorError } from './errors.ts';

export interface ReplyLine {
  status: number;
  /** '-' mid line, '+' line followed by a data block, ' ' end line. */
  separator: '-' | '+' | ' ';
  text: string;
  /** The data block of a '+' line, lines joined with '\n', dot-escaping removed. */
  data?: string;
}

export interface ControlReply {
  /** Status of the end line: 250 OK, 650 async event, 5xx errors. */
  status: number;
  lines: ReplyLine[];
}

// A control line longer than this is not tor talking (tor's own lines, even GETINFO data, are
// split into lines far shorter); refusing it bounds memory if the port is something else.
const MAX_LINE = 1 << 20;

export class ReplyParser {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private lines: ReplyLine[] = [];
  private data: string[] | null = null;

  /** Feeds bytes; returns the replies they complete. Throws TorError CONTROL_PROTOCOL on garbage. */
  push(chunk: Uint8Array): ControlReply[] {
    this.buffer += this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const out: ControlReply[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', start);
      if (nl === -1) break;
      let line = this.buffer.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const reply = this.line(line);
      if (reply) out.push(reply);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > MAX_LINE) throw TorError.CONTROL_PROTOCOL(`line longer than ${MAX_LINE} bytes`);
    return out;
  }

  private line(line: string): ControlReply | null {
    if (this.data !== null) {
      if (line === '.') {
        const last = this.lines[this.lines.length - 1];
        if (last) last.data = this.data.join('\n');
        this.data = null;
        return null;
      }
      this.data.push(line.startsWith('.') ? line.slice(1) : line);
      return null;
    }
    if (line.length < 4 || !/^[0-9]{3}[- +]/.test(line)) {
      throw TorError.CONTROL_PROTOCOL(JSON.stringify(line.slice(0, 80)));
    }
    const status = Number(line.slice(0, 3));
    const separator = line[3] as ReplyLine['separator'];
    this.lines.push({ status, separator, text: line.slice(4) });
    if (separator === '+') {
      this.data = [];
      return null;
    }
    if (separator === '-') return null;
    const reply: ControlReply = { status, lines: this.lines };
    this.lines = [];
    return reply;
  }
}

/**
 * Parses `KEY=VALUE KEY="quoted \"value\""` arguments (control-spec 2.1 QuotedString) as found in
 * events and AUTHCHALLENGE/PROTOCOLINFO replies. Positional words go to `positional`.
 */
export function parseKeywords(text: string): { positional: string[]; keywords: Map<string, string> } {
  const positional: string[] = [];
  const keywords = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    let key = '';
    while (i < text.length && text[i] !== ' ' && text[i] !== '=') key += text[i++];
    if (text[i] !== '=') {
      positional.push(key);
      continue;
    }
    i++; // '='
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) {
          i++;
          const c = text[i]!;
          value += c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
        } else {
          value += text[i];
        }
        i++;
      }
      i++; // closing quote
    } else {
      while (i < text.length && text[i] !== ' ') value += text[i++];
    }
    keywords.set(key, value);
  }
  return { positional, keywords };
}

/** Quotes a value for SETCONF and friends (control-spec 2.1 QuotedString). */
export function quoteString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
