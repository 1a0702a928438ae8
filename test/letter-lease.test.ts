/**
 * A letter's lease (#19, session 12): every letter is sent once, however many writers deliver the
 * outbox at once, and a letter whose sender crashed is sent by the next writer once its lease ran
 * out (procedure/core.ts deliver). The writer that queued a letter holds its lease through the
 * commit that queued it, so the letters of a decision go out without a request per letter; any
 * other writer respects that lease and takes the letter's own lease item only once it ran out.
 *
 * Judged from outside: what the mailer was handed, which items the table holds, and which
 * commands the store sent (the in-memory DynamoDB behind DynamoDossierStore, every command seen).
 */

import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import type { DossierView, EventBody } from '../lambdas/domain/dossier.js';
import { PAGE_LINK } from '../lambdas/domain/letters.js';
import type { Mail } from '../lambdas/domain/ports.js';
import { Core } from '../lambdas/domain/procedure/core.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { loadRegulation } from '../statemachines/load.js';
import { receivedEvent, taskLetter } from './support/events.js';
import { dossier, mailsOf, submit, walk } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const reg = loadRegulation('ons-welzijn');
const AT = '2026-09-03T09:00:00Z';

/** Stores on one in-memory table: each another Lambda, sharing nothing in memory. */
function table() {
  const memory = new MemoryDynamoDb();
  memory.createTable(tableDefinition('dossiers'));
  const seen: { kind: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      seen.push({ kind: command.constructor.name.replace(/Command$/, ''), input: command.input });
      return memory.send(command);
    },
  };
  const store = () => new DynamoDossierStore(client as never, 'dossiers');
  const leaseWrites = () =>
    seen.filter((s) => s.kind === 'Put' && String((s.input.Item as { sk: string }).sk).startsWith('LEASE#')).length;
  return { store, seen, leaseWrites, send: client.send };
}

/** Every letter handed to the mailer, by whichever core: the judge of "sent once". */
function mailbox() {
  const sent: Mail[] = [];
  const core = (store: DynamoDossierStore) =>
    new Core({
      regulation: reg,
      store,
      mailer: {
        send: async (mail) => {
          sent.push(mail);
          // A real send takes a while: another writer may come in meanwhile.
          await new Promise((r) => setTimeout(r, 2));
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
    });
  const subjects = () => sent.map((m) => m.subject).sort();
  return { core, sent, subjects };
}

const received = receivedEvent(reg.id, AT);

const letter = taskLetter;

/** A dossier whose second commit queues `n` letters, written by `store` (the letters' writer). */
async function queued(store: DynamoDossierStore, id: string, n: number): Promise<DossierView> {
  const first = await store.create(id, [received], 'klachtflow-intake', AT, {
    reference: `KL-${id}`,
    regulationId: reg.id,
  });
  return store.append(
    id,
    1,
    Array.from({ length: n }, (_, i) => letter(i + 1)),
    'klachtflow',
    AT,
    first,
  );
}

const THREE = ['Brief 1', 'Brief 2', 'Brief 3'];

afterEach(() => {
  vi.useRealTimers();
});

describe('the writer that queued the letters', () => {
  it('sends them without a lease request of its own: no lease item written', async () => {
    const t = table();
    const writer = t.store();
    const view = await queued(writer, 'd1', 3);
    const m = mailbox();
    await m.core(writer).deliver(view, []);
    expect(m.subjects()).toEqual(THREE);
    expect(t.leaseWrites()).toBe(0);
    expect(((await t.store().load('d1')) as DossierView).letters.map((l) => l.status)).toEqual([
      'sent',
      'sent',
      'sent',
    ]);
  });

  it('two deliveries at once through its store (the local runtime: one store for the API and the tasks): each letter once', async () => {
    const t = table();
    const writer = t.store();
    const view = await queued(writer, 'd2', 3);
    const m = mailbox();
    await Promise.all([m.core(writer).deliver(view, []), m.core(writer).deliver(view, [])]);
    expect(m.subjects()).toEqual(THREE);
  });
});

describe('another writer (another Lambda) delivering the same outbox', () => {
  it('at the same time as the letters’ writer: each letter once', async () => {
    const t = table();
    const writer = t.store();
    const view = await queued(writer, 'd3', 3);
    const other = t.store();
    const m = mailbox();
    const otherView = (await other.load('d3')) as DossierView;
    await Promise.all([m.core(other).deliver(otherView, []), m.core(writer).deliver(view, [])]);
    expect(m.subjects()).toEqual(THREE);
  });

  it('after the writer crashed between its commit and sending: nothing while its lease runs, each letter once after it ran out, and the writer back late sends none again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-09-03T09:00:00Z'));
    const t = table();
    const writer = t.store();
    const view = await queued(writer, 'd4', 3);
    const m = mailbox();
    // Another writer a moment later (the crashed writer's retry, the recovery, the next task).
    vi.setSystemTime(new Date('2026-09-03T09:00:05Z'));
    const other = t.store();
    await m.core(other).deliver((await other.load('d4')) as DossierView, []);
    expect(m.sent).toEqual([]);
    // Still within the lease a minute on: the writer may still be sending.
    vi.setSystemTime(new Date('2026-09-03T09:01:00Z'));
    const third = t.store();
    await m.core(third).deliver((await third.load('d4')) as DossierView, []);
    expect(m.sent).toEqual([]);
    // Two minutes on: its lease ran out long since; the letters go, once.
    vi.setSystemTime(new Date('2026-09-03T09:02:00Z'));
    const late = (await other.load('d4')) as DossierView;
    const slow = mailbox();
    // The letter's writer was not dead but stalled: it comes back while the other one is sending.
    await Promise.all([
      m.core(other).deliver(late, []),
      slow.core(writer).deliver(view, []),
      m.core(third).deliver((await third.load('d4')) as DossierView, []),
    ]);
    expect([...m.sent, ...slow.sent].map((x) => x.subject).sort()).toEqual(THREE);
    expect(((await t.store().load('d4')) as DossierView).letters.every((l) => l.status === 'sent')).toBe(true);
  });

  it('a view older than the letters’ record of sending, delivered after every lease ran out: none sent again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-09-03T09:00:00Z'));
    const t = table();
    const writer = t.store();
    const view = await queued(writer, 'd6', 2);
    const other = t.store();
    const stale = (await other.load('d6')) as DossierView;
    const m = mailbox();
    await m.core(writer).deliver(view, []);
    expect(m.sent).toHaveLength(2);
    // The other writer reads the record of their sending (for something else), and later still
    // delivers the outbox of the view it read before it.
    await other.load('d6');
    vi.setSystemTime(new Date('2026-09-03T09:05:00Z'));
    await m.core(other).deliver(stale, []);
    expect(m.sent).toHaveLength(2);
  });

  it('a commit written before the letters’ writer held their lease (none on it): the lease item decides, as before', async () => {
    const t = table();
    await t.store().create('d5', [received], 'klachtflow-intake', AT, { reference: 'KL-d5', regulationId: reg.id });
    // As an earlier version wrote it: the commit without its writer's lease...
    const events = [letter(1), letter(2)].map((b, i) => ({ ...b, seq: 2 + i, at: AT, by: 'klachtflow' }));
    await t.send(
      new PutCommand({
        TableName: 'dossiers',
        Item: { pk: 'DOSSIER#d5', sk: 'EVENT#000002', events: JSON.stringify(events) },
      }),
    );
    // ...and that writer's lease item for the first letter, taken a moment ago.
    expect(await t.store().lease('d5', 'letter#brief-1', new Date(), 60)).toBe(true);
    const m = mailbox();
    const other = t.store();
    await m.core(other).deliver((await other.load('d5')) as DossierView, []);
    expect(m.subjects()).toEqual(['Brief 2']);
  });
});

describe('through the local runtime (metered like AWS)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true });
  });
  afterAll(async () => rt?.stop());

  it('a complaint up to its acknowledgement writes no lease item and no PutItem for one', async () => {
    const before = rt.usage.snapshot();
    const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'Een klacht over de brieven.' } });
    expect(r.status).toBe(201);
    await rt.advance('PT0S');
    const after = rt.usage.snapshot();
    const puts = (after.dynamodbRequests.PutItem ?? 0) - (before.dynamodbRequests.PutItem ?? 0);
    const mails = after.mails - before.mails;
    const client = new DynamoDBClient({
      region: rt.endpoints.region,
      endpoint: rt.endpoints.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const scan = await DynamoDBDocumentClient.from(client).send(new ScanCommand({ TableName: rt.endpoints.tableName }));
    const leases = (scan.Items ?? []).filter((i) => String(i.sk).startsWith('LEASE#'));
    expect(mails).toBeGreaterThan(0);
    expect(leases).toEqual([]);
    // Budget (session 12): before, 10 PutItems to the acknowledgement, 2 of them the leases of its
    // two letters (the acknowledgement and the officer's task).
    expect(puts).toBeLessThanOrEqual(8);
  });
});

describe('the page link a complainant’s letter carries (the satisfaction question at closure)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true });
  });
  afterAll(async () => rt?.stop());

  it('is granted in the commit that queues the letter, works, and the history says who granted it', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]);
    const linked = (await mailsOf(rt, s.reference)).filter((m) => m.text.includes(`/klacht/${s.id}/`));
    expect(linked).toHaveLength(1);
    const token = linked[0]?.text.match(new RegExp(`/klacht/${s.id}/([A-Za-z0-9_-]+)`))?.[1];
    const page = await rt.call('GET', `/complaints/${s.id}`, { token });
    expect(page.status, page.text).toBe(200);
    // No commit of its own for the grant: it is in the commit that queued the letter.
    const client = new DynamoDBClient({
      region: rt.endpoints.region,
      endpoint: rt.endpoints.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const scan = await DynamoDBDocumentClient.from(client).send(new ScanCommand({ TableName: rt.endpoints.tableName }));
    const commits = (scan.Items ?? [])
      .filter((i) => i.pk === `DOSSIER#${s.id}` && String(i.sk).startsWith('EVENT#'))
      .map((i) => (JSON.parse(String(i.events)) as { type: string }[]).map((e) => e.type));
    const grants = commits.filter((types) => types.includes('access.granted'));
    expect(grants).toHaveLength(1);
    expect(grants[0]).toContain('letter.queued');
    // Granted by klachtflow itself, as when it had a commit of its own, not by whoever decided.
    const history = (await dossier(rt, s.id)).history as { who: string; text: string }[];
    const line = history.find((h) => h.text.startsWith('Persoonlijke link meegestuurd'));
    expect(line?.who, JSON.stringify(history.slice(-6))).toBe('klachtflow');
  });
});

describe('the page link, minted with the decision that queues the letter (the store, every command)', () => {
  const complainantLetter: EventBody = {
    type: 'letter.queued',
    data: {
      letterId: 'uitkomst',
      kind: 'decision',
      audience: 'complainant',
      recipients: ['complainant'],
      to: ['sanne@example.nl'],
      from: 'klachten@example.nl',
      subject: 'Uw klacht is afgesloten',
      text: `Uw pagina: ${PAGE_LINK}`,
      html: `<p>Uw pagina: ${PAGE_LINK}</p>`,
      undeliverable: [],
    },
  };
  /** The token in a sent letter's link, and whether the dossier holds its hash (the link works). */
  const works = (mail: Mail | undefined, view: DossierView) => {
    const token = mail?.text.match(/\/klacht\/[^/]+\/([A-Za-z0-9_-]+)/)?.[1] ?? '';
    return view.grantedTokenHashes?.includes(createHash('sha256').update(token).digest('hex')) ?? false;
  };

  it('sent by the writer that decided: the link works, granted in the decision’s commit', async () => {
    const t = table();
    const store = t.store();
    await store.create('p1', [received], 'klachtflow-intake', AT, { reference: 'KL-p1', regulationId: reg.id });
    const m = mailbox();
    await m.core(store).mutate('p1', 'officer-anna', () => [complainantLetter]);
    expect(m.sent).toHaveLength(1);
    const events = await t.store().events('p1');
    expect(works(m.sent[0], (await t.store().load('p1')) as DossierView)).toBe(true);
    const grant = events.find((e) => e.type === 'access.granted');
    expect(grant?.by).toBe('klachtflow');
    expect(events.find((e) => e.type === 'letter.queued')?.by).toBe('officer-anna');
  });

  it('sent by another writer after the decider failed to send it: a link of its own, that works', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-09-03T09:00:00Z'));
    const t = table();
    const store = t.store();
    await store.create('p2', [received], 'klachtflow-intake', AT, { reference: 'KL-p2', regulationId: reg.id });
    const failing = new Core({
      ...mailbox().core(store).deps,
      mailer: {
        send: async () => {
          throw new Error('Throttling');
        },
      },
    });
    await expect(failing.mutate('p2', 'officer-anna', () => [complainantLetter])).rejects.toThrow('Throttling');
    vi.setSystemTime(new Date('2026-09-03T09:03:00Z'));
    const other = t.store();
    const m = mailbox();
    await m.core(other).deliver((await other.load('p2')) as DossierView, []);
    expect(m.sent).toHaveLength(1);
    expect(works(m.sent[0], (await t.store().load('p2')) as DossierView)).toBe(true);
  });
});
