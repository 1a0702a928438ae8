/**
 * The local mailbox: every message the local SES endpoint accepted, kept on disk (one JSON line
 * each) so a restart keeps the history, readable as JSON and as a page for people. Memory holds
 * only each letter's key and message id (to deliver a letter once); the messages are read from
 * the file when someone looks.
 */
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
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

export class LocalMailbox {
  /** Letter key → message id of its first delivery. */
  private readonly delivered = new Map<string, string>();
  /** Messages in the file; -1 until first counted. */
  private count = -1;

  constructor(
    private readonly file: string,
    private readonly clock: RuntimeClock,
  ) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      // A kill in the middle of an append leaves a line without its newline. That message was
      // never confirmed to its sender (SendEmail had not answered), who sends it again: cut the
      // torn line off so the next append starts on a line of its own.
      const whole = text.endsWith('\n') ? text.length : text.lastIndexOf('\n') + 1;
      if (whole < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, whole)));
      for (const line of text.slice(0, whole).split('\n')) {
        if (!line.trim()) continue;
        const m = JSON.parse(line) as MailMessage;
        if (m.key && !this.delivered.has(m.key))
          this.delivered.set(Buffer.from(m.key).toString(), Buffer.from(m.messageId).toString());
      }
    }
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
    if (m.key) this.delivered.set(Buffer.from(m.key).toString(), Buffer.from(m.messageId).toString());
    appendFileSync(this.file, `${JSON.stringify(message)}\n`);
    if (this.count >= 0) this.count++;
    return message;
  }

  /** How many messages were delivered (counted from the file once). */
  size(): number {
    if (this.count < 0) this.count = this.all().length;
    return this.count;
  }

  /** Every message, oldest first, read from the file. */
  all(): MailMessage[] {
    if (!existsSync(this.file)) return [];
    const text = readFileSync(this.file, 'utf8');
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as MailMessage);
  }
}
