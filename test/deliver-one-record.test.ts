/**
 * A delivery of the outbox records what it sent in one commit (#19, session 15): a decision that
 * queues three letters (the complainant's, the respondent's, the next officer's task) was recorded
 * sent in three appends, one after each send, and each append that met another writer's commit
 * (the ladder's next step, right after an officer's decision) was refused, read what it missed,
 * and was made again: 7.3 appends, 2.7 refusals and 2.7 Queries a simulated complaint.
 *
 * What must hold, as before (procedure/core.ts deliver): each letter recorded sent once, however
 * many writers delivered it; a letter whose sending met passing trouble stays queued, the ones
 * sent before it are recorded; a letter sent but not recorded (the process died between two sends)
 * is sent again after its lease ran out, with the same key (the mailer's idempotency key, which the
 * local mail endpoint drops a resend by and SES names in its events); a letter refused for good is
 * set aside (`letter.failed`) and alarmed, never recorded as sent.
 *
 * Judged on the store's commands (the in-memory DynamoDB behind DynamoDossierStore, every command
 * seen), the mailer's hand, and the dossier's events.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { type DossierView, deriveView, type EventBody } from '../lambdas/domain/dossier.js';
import { LetterRejectedError } from '../lambdas/domain/errors.js';
import type { Mail } from '../lambdas/domain/ports.js';
import { Core, letterKey } from '../lambdas/domain/procedure/core.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { loadRegulation } from '../statemachines/load.js';
import { receivedEvent, taskLetter } from './support/events.js';

const reg = loadRegulation('ons-welzijn');
const AT = '2026-09-03T09:00:00Z';

/** Stores on one in-memory table (each another Lambda), every command counted, refused ones apart. */
function table() {
  const memory = new MemoryDynamoDb();
  memory.createTable(tableDefinition('dossiers'));
  const seen: { kind: string; input: Record<string, unknown>; refused: boolean }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const entry = { kind: command.constructor.name.replace(/Command$/, ''), input: command.input, refused: false };
      seen.push(entry);
      try {
        return await memory.send(command);
      } catch (e) {
        entry.refused = true;
        throw e;
      }
    },
  };
  const store = () => new DynamoDossierStore(client as never, 'dossiers');
  /** Commits written (PutItem of an EVENT# item), refused ones apart. */
  const commits = () => {
    const puts = seen.filter(
      (s) => s.kind === 'Put' && String((s.input.Item as { sk: string }).sk).startsWith('EVENT#'),
    );
    return { written: puts.filter((p) => !p.refused).length, refused: puts.filter((p) => p.refused).length };
  };
  const queries = () => seen.filter((s) => s.kind === 'Query').length;
  return { store, seen, commits, queries, reset: () => seen.splice(0) };
}

/** A core whose mailer hands each mail to `onSend` first (which may stall, throw, or let another writer in). */
function coreOn(store: DynamoDossierStore, onSend?: (mail: Mail) => Promise<void>) {
  const sent: Mail[] = [];
  const failed: string[] = [];
  const core = new Core({
    regulation: reg,
    store,
    mailer: {
      send: async (mail) => {
        await onSend?.(mail);
        sent.push(mail);
        return { messageId: `m${sent.length}` };
      },
    },
    reminders: { schedule: async () => true, cancel: async () => {} },
    workflow: { start: async () => 'arn', succeed: async () => {}, stop: async () => {} },
    clock: { now: () => new Date(AT) },
    urls: {
      status: (id, token) => `http://127.0.0.1/klacht/${id}/${token}`,
      dossier: (id) => `http://127.0.0.1/d/${id}`,
    },
    observer: { deadlineBreached: () => {}, letterFailed: (f) => failed.push(f.letterId) },
  });
  return { core, sent, failed };
}

/** A dossier whose second commit queues `n` letters, written by `store` (the letters' writer). */
async function queued(store: DynamoDossierStore, id: string, n: number): Promise<DossierView> {
  const first = await store.create(id, [receivedEvent(reg.id, AT)], 'klachtflow-intake', AT, {
    reference: `KL-${id}`,
    regulationId: reg.id,
  });
  return store.append(
    id,
    1,
    Array.from({ length: n }, (_, i) => taskLetter(i + 1)),
    'klachtflow',
    AT,
    first,
  );
}

/** The letter ids recorded sent, in order, and the commits that hold them (by first sequence number). */
async function sentRecords(store: DynamoDossierStore, id: string) {
  const events = await store.events(id);
  const sent = events.filter((e) => e.type === 'letter.sent');
  return { ids: sent.map((e) => (e.data as { letterId: string }).letterId), events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the letters a delivery sent: recorded in one commit', () => {
  it('three letters: sent in order, one commit records all three, nothing read', async () => {
    const t = table();
    const store = t.store();
    const view = await queued(store, 'd1', 3);
    const { core, sent } = coreOn(store);
    t.reset();
    const after = await core.deliver(view, []);
    expect(sent.map((m) => m.subject)).toEqual(['Brief 1', 'Brief 2', 'Brief 3']);
    expect(t.commits()).toEqual({ written: 1, refused: 0 });
    expect(t.queries()).toBe(0);
    const { ids, events } = await sentRecords(t.store(), 'd1');
    expect(ids).toEqual(['brief-1', 'brief-2', 'brief-3']);
    // Each with the message id the mailer gave it.
    expect(
      events.filter((e) => e.type === 'letter.sent').map((e) => (e.data as { messageId: string }).messageId),
    ).toEqual(['m1', 'm2', 'm3']);
    // The view answered is the dossier as stored.
    expect(after).toStrictEqual(deriveView('d1', events));
  });

  it('another writer commits while the letters are sent: one refusal, no read, one commit', async () => {
    const t = table();
    const store = t.store();
    const elsewhere = t.store();
    const view = await queued(store, 'd2', 3);
    const { core, sent } = coreOn(store, async (mail) => {
      if (mail.subject !== 'Brief 1') return;
      const other = (await elsewhere.load('d2')) as DossierView;
      await elsewhere.append(
        'd2',
        other.version,
        [{ type: 'message', data: { from: 'officer', text: 'Tussendoor.' } }],
        'officer-anna',
        AT,
        other,
      );
    });
    t.reset();
    await core.deliver(view, []);
    expect(sent).toHaveLength(3);
    // The other writer's commit, the refused record, and the record made again.
    expect(t.commits()).toEqual({ written: 2, refused: 1 });
    // The other writer's own read only: its commit came with the refusal (test/clash-without-read.test.ts).
    expect(t.queries()).toBe(1);
    const { ids, events } = await sentRecords(t.store(), 'd2');
    expect(ids).toEqual(['brief-1', 'brief-2', 'brief-3']);
    expect(events.filter((e) => e.type === 'message')).toHaveLength(1);
    expect(await store.load('d2')).toStrictEqual(deriveView('d2', events));
  });

  it('passing trouble at the second letter: the first is recorded sent, the rest stay queued and go once later', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-09-03T09:00:00Z'));
    const t = table();
    const store = t.store();
    const view = await queued(store, 'd3', 3);
    const { core, sent } = coreOn(store, async (mail) => {
      if (mail.subject === 'Brief 2') throw Object.assign(new Error('Throttling'), { name: 'Throttling' });
    });
    await expect(core.deliver(view, [])).rejects.toThrow('Throttling');
    expect(sent.map((m) => m.subject)).toEqual(['Brief 1']);
    const stored = (await t.store().load('d3')) as DossierView;
    expect(stored.letters.map((l) => l.status)).toEqual(['sent', 'queued', 'queued']);
    // After the leases ran out another writer sends what is left, and only that.
    vi.setSystemTime(new Date('2026-09-03T09:03:00Z'));
    const other = t.store();
    const later = coreOn(other);
    await later.core.deliver((await other.load('d3')) as DossierView, []);
    expect(later.sent.map((m) => m.subject)).toEqual(['Brief 2', 'Brief 3']);
    expect((await sentRecords(t.store(), 'd3')).ids).toEqual(['brief-1', 'brief-2', 'brief-3']);
  });

  it('trouble remembering a sent letter’s message id: the letter is recorded sent all the same, never sent again', async () => {
    // A complainant's letter is sent, then its message id is stored for replies (putReference):
    // trouble there came after the send, so the letter must not count as unsent (the review of
    // session 15: it stayed queued and went a second time after the lease).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-09-03T09:00:00Z'));
    const t = table();
    const store = t.store();
    const toComplainant = (n: number): EventBody => {
      const l = taskLetter(n) as Extract<EventBody, { type: 'letter.queued' }>;
      return { ...l, data: { ...l.data, audience: 'complainant', to: ['sanne@example.nl'] } };
    };
    const first = await store.create('d7', [receivedEvent(reg.id, AT)], 'klachtflow-intake', AT, {
      reference: 'KL-d7',
      regulationId: reg.id,
    });
    const view = await store.append('d7', 1, [toComplainant(1), toComplainant(2)], 'klachtflow', AT, first);
    const putReference = store.putReference.bind(store);
    let troubles = 1;
    store.putReference = async (...a: Parameters<typeof putReference>) => {
      if (troubles-- > 0) throw Object.assign(new Error('Throttling'), { name: 'Throttling' });
      return putReference(...a);
    };
    const { core, sent } = coreOn(store);
    await expect(core.deliver(view, [])).rejects.toThrow('Throttling');
    expect(sent.map((m) => m.subject)).toEqual(['Brief 1']);
    const stored = (await t.store().load('d7')) as DossierView;
    expect(stored.letters.map((l) => l.status)).toEqual(['sent', 'queued']);
    vi.setSystemTime(new Date('2026-09-03T09:03:00Z'));
    const later = coreOn(t.store());
    await later.core.deliver((await t.store().load('d7')) as DossierView, []);
    expect(later.sent.map((m) => m.subject)).toEqual(['Brief 2']);
    expect((await sentRecords(t.store(), 'd7')).ids).toEqual(['brief-1', 'brief-2']);
  });

  it('the process dies between two sends: after the lease no letter is lost, a resend has the same key, each is recorded once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-09-03T09:00:00Z'));
    const t = table();
    const store = t.store();
    const view = await queued(store, 'd4', 3);
    // The second send never comes back: the process is gone.
    const dying = coreOn(store, (mail) =>
      mail.subject === 'Brief 2' ? new Promise<void>(() => {}) : Promise.resolve(),
    );
    void dying.core.deliver(view, []);
    await vi.waitFor(() => expect(dying.sent).toHaveLength(1));
    // Within the lease nobody else sends.
    vi.setSystemTime(new Date('2026-09-03T09:01:00Z'));
    const other = t.store();
    const early = coreOn(other);
    await early.core.deliver((await other.load('d4')) as DossierView, []);
    expect(early.sent).toEqual([]);
    vi.setSystemTime(new Date('2026-09-03T09:03:00Z'));
    const next = coreOn(other);
    await next.core.deliver((await other.load('d4')) as DossierView, []);
    // Nothing lost: the letters not sent go now. A letter sent but not yet recorded when the
    // process died (here the first: the delivery records after its last send) may go again, and
    // then under its own key, the same as the first time: the mailer sees the same letter.
    expect(next.sent.map((m) => m.subject)).toEqual(expect.arrayContaining(['Brief 2', 'Brief 3']));
    for (const m of [...dying.sent, ...next.sent])
      expect(m.key).toBe(letterKey('d4', `brief-${m.subject.slice('Brief '.length)}`));
    expect(new Set([...dying.sent, ...next.sent].map((m) => m.subject)).size).toBe(3);
    // Recorded sent once each, whoever sent them.
    expect((await sentRecords(t.store(), 'd4')).ids.sort()).toEqual(['brief-1', 'brief-2', 'brief-3']);
  });

  it('a letter refused for good among others: set aside and alarmed, the others recorded sent, in one commit', async () => {
    const t = table();
    const store = t.store();
    const view = await queued(store, 'd5', 3);
    const { core, sent, failed } = coreOn(store, async (mail) => {
      if (mail.subject === 'Brief 2') throw new LetterRejectedError('MessageRejected');
    });
    t.reset();
    const after = await core.deliver(view, []);
    expect(sent.map((m) => m.subject)).toEqual(['Brief 1', 'Brief 3']);
    expect(failed).toEqual(['brief-2']);
    expect(t.commits()).toEqual({ written: 1, refused: 0 });
    expect(after.letters.map((l) => l.status)).toEqual(['sent', 'failed', 'sent']);
    const { ids } = await sentRecords(t.store(), 'd5');
    expect(ids).toEqual(['brief-1', 'brief-3']);
  });

  it('two writers deliver the same outbox at once after the lease: each letter sent once, recorded once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-09-03T09:00:00Z'));
    const t = table();
    await queued(t.store(), 'd6', 3);
    vi.setSystemTime(new Date('2026-09-03T09:03:00Z'));
    const a = t.store();
    const b = t.store();
    const sent: string[] = [];
    const pause = async (mail: Mail) => {
      sent.push(mail.subject);
      await new Promise((r) => setTimeout(r, 2));
    };
    await Promise.all([
      coreOn(a, pause).core.deliver((await a.load('d6')) as DossierView, []),
      coreOn(b, pause).core.deliver((await b.load('d6')) as DossierView, []),
    ]);
    expect(sent.sort()).toEqual(['Brief 1', 'Brief 2', 'Brief 3']);
    expect((await sentRecords(t.store(), 'd6')).ids.sort()).toEqual(['brief-1', 'brief-2', 'brief-3']);
  });
});
