/**
 * The local mailbox: every message the local SES endpoint accepted, kept on disk (one JSON line
 * each) so a restart keeps the history, readable as JSON and as a page for people.
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
  private readonly messages: MailMessage[] = [];

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
        if (line.trim()) this.messages.push(JSON.parse(line) as MailMessage);
      }
    }
  }

  /** The message id a letter got when it was first delivered. */
  messageIdOf(key: string): string | undefined {
    return this.messages.find((m) => m.key === key)?.messageId;
  }

  deliver(m: Omit<MailMessage, 'sentAt'>): MailMessage {
    const earlier = m.key ? this.messages.find((x) => x.key === m.key) : undefined;
    if (earlier) return earlier;
    const message = { ...m, sentAt: this.clock.now().toISOString() };
    this.messages.push(message);
    appendFileSync(this.file, `${JSON.stringify(message)}\n`);
    return message;
  }

  all(): MailMessage[] {
    return [...this.messages];
  }
}
