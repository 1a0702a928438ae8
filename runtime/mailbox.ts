/**
 * The local mailbox: every message the local SES endpoint accepted, kept on disk (one JSON line
 * each) so a restart keeps the history, readable as JSON and as a page for people. Memory holds
 * only the keys and message ids of the latest letters (to deliver a letter once); the messages are
 * read from the file when someone looks.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  truncateSync,
} from 'node:fs';
import type { RuntimeClock } from './clock.js';

export interface MailMessage {
  /** The letter's key (an SES message tag): the same letter sent again is not delivered twice. */
  key?: string;
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

/**
 * How many of the latest letters' keys are remembered. A letter is sent again only when its
 * sending was not recorded in its dossier: a crash or a lost answer while it was being sent, so
 * it is one of the letters sent just before (the outbox sends a handful at a time). Every key
 * ever sent kept about 1 KB per closed complaint in memory for good (issue 19: flat memory).
 */
export const REMEMBERED_LETTERS = 256;
/** At a start, the keys are read from the file's last bytes only: a year's mailbox is not read whole. */
const TAIL_BYTES = 16 * 1024 * 1024;
/** A buffered mailbox writes its messages once this much is waiting (or when read, or flushed). */
export const MAILBOX_BUFFER_CHARS = 1024 * 1024;

export interface LocalMailboxOptions {
  /**
   * Messages are written to the file a megabyte at a time (and before anything reads the mailbox,
   * and at `flush()`), not one append per message: for a runtime that keeps nothing for a restart
   * (the simulation, `records: 'memory'`), where a message lost in a crash is lost with the rest
   * of its folder. One appendFileSync per letter (an open, a write and a close) was 1.1 % of a
   * simulated year's CPU (#19, session 10). Off (the default): each message on disk before
   * SendEmail answers, as a restart needs.
   */
  buffered?: boolean;
  /**
   * `kept` (the default): every message in the file. `counted`: nothing written, the messages
   * counted and the latest letters' keys remembered as when kept (a letter sent again keeps its
   * first message id); `all()` is refused. For a simulation that never reads its letters (no
   * --dump): their JSON, 40 KB a complaint written to a folder thrown away unread, was about 1.5 %
   * of a simulated year's CPU (#19, session 17; test/mailbox-counted.test.ts).
   */
  letters?: 'kept' | 'counted';
}

export class LocalMailbox {
  /** Letter key → message id of its first delivery, for the latest REMEMBERED_LETTERS letters. */
  private readonly delivered = new Map<string, string>();
  /** Messages in the file; -1 until first counted. */
  private count = -1;
  /** Buffered: the lines delivered and not yet written, and their length. */
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(
    private readonly file: string,
    private readonly clock: RuntimeClock,
    private readonly options: LocalMailboxOptions = {},
  ) {
    // Counted from the start: nothing to read. A new file is counted as it is written (countLines
    // read the whole file back at the first size(), 0.4 % of a simulated year).
    if (options.letters === 'counted' || !existsSync(file)) this.count = 0;
    else {
      const { bytes, from } = tail(file, TAIL_BYTES);
      // A kill in the middle of an append leaves a line without its newline. That message was
      // never confirmed to its sender (SendEmail had not answered), who sends it again: cut the
      // torn line off so the next append starts on a line of its own.
      const whole = bytes.lastIndexOf(0x0a) + 1;
      if (whole < bytes.length) truncateSync(file, from + whole);
      // Read from the middle of the file: its first line may be cut; it is older than the rest.
      const lines = bytes.subarray(0, whole).toString('utf8').split('\n');
      for (const line of from > 0 ? lines.slice(1) : lines) {
        if (!line.trim()) continue;
        const m = JSON.parse(line) as MailMessage;
        if (m.key) this.remember(Buffer.from(m.key).toString(), Buffer.from(m.messageId).toString());
      }
    }
  }

  /** Remembers a letter's key (the earliest delivery of a key stands), forgetting the oldest beyond the bound. */
  private remember(key: string, messageId: string) {
    if (this.delivered.has(key)) return;
    this.delivered.set(key, messageId);
    if (this.delivered.size > REMEMBERED_LETTERS) this.delivered.delete(this.delivered.keys().next().value as string);
  }

  /** Whether the letters are kept (readable by `all()`), not only counted. */
  get keepsLetters(): boolean {
    return this.options.letters !== 'counted';
  }

  /** How many letter keys are remembered (tests: bounded). */
  remembered(): number {
    return this.delivered.size;
  }

  /** The message id a letter got when it was first delivered. */
  messageIdOf(key: string): string | undefined {
    return this.delivered.get(key);
  }

  /** Delivers a message; a letter delivered before (same key) is not delivered again. */
  deliver(m: Omit<MailMessage, 'sentAt'>): { messageId: string; sentAt?: string } {
    const earlier = m.key ? this.delivered.get(m.key) : undefined;
    if (earlier) return { messageId: earlier };
    const message = { ...m, sentAt: this.clock.now().toISOString() };
    // Copies, not slices: a key cut from the request body (URLSearchParams) would keep the whole
    // body, letter and all, alive for as long as the map holds the key.
    if (m.key) this.remember(Buffer.from(m.key).toString(), Buffer.from(m.messageId).toString());
    if (this.options.letters === 'counted') {
      this.count++;
      return message;
    }
    const line = `${JSON.stringify(message)}\n`;
    if (this.options.buffered) {
      this.pending.push(line);
      this.pendingChars += line.length;
      if (this.pendingChars >= MAILBOX_BUFFER_CHARS) this.flush();
    } else appendFileSync(this.file, line);
    if (this.count >= 0) this.count++;
    return message;
  }

  /** Writes what a buffered mailbox holds to its file (at once; nothing to do unbuffered). */
  flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    appendFileSync(this.file, lines);
  }

  /**
   * How many messages were delivered (counted from the file once): the messages `all()` reads,
   * counted in the file's bytes a megabyte at a time, not read whole and parsed (a simulated year's
   * mailbox is about 40 KB a complaint: 400 MB at 10 000 complaints, read as one string, split and
   * parsed only to be counted at the end of the run, #19).
   */
  size(): number {
    this.flush();
    if (this.count < 0) this.count = countLines(this.file);
    return this.count;
  }

  /** Every message, oldest first, read from the file. */
  all(): MailMessage[] {
    if (this.options.letters === 'counted')
      throw new Error('De brieven van deze mailbox zijn niet bewaard (letters: counted), alleen geteld.');
    this.flush();
    if (!existsSync(this.file)) return [];
    const text = readFileSync(this.file, 'utf8');
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as MailMessage);
  }
}

/**
 * The lines of a file that end in a newline and are more than white space (as String.prototype.trim
 * sees it): the lines `all()` parses (a torn last line, cut off by a kill in the middle of an
 * append, is not a message). Read as bytes: 0x0a is never part of a multi-byte UTF-8 character,
 * and a message's JSON holds no raw newline (JSON.stringify escapes it). A line that shows no
 * ASCII character other than white space is decoded to tell (a message starts with "{", so in
 * practice never).
 */
function countLines(file: string): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    let lines = 0;
    let filled = false;
    // The non-ASCII bytes of a line not yet known to be filled.
    let other: number[] = [];
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const b = buffer[i] as number;
        if (b === 0x0a) {
          if (filled || (other.length > 0 && Buffer.from(other).toString('utf8').trim() !== '')) lines++;
          filled = false;
          other = [];
        } else if (filled) continue;
        else if (b >= 0x80) other.push(b);
        else if (!isAsciiSpace(b)) filled = true;
      }
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}

/** The ASCII characters String.prototype.trim removes, besides the newline that ends a line here. */
const isAsciiSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0b || b === 0x0c || b === 0x0d;

/** The last `bytes` of a file, and the offset they start at. */
function tail(file: string, bytes: number): { bytes: Buffer; from: number } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const from = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - from);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: buffer.subarray(0, read), from };
  } finally {
    closeSync(fd);
  }
}
