/**
 * The dossier store on DynamoDB (one table). Events are items of their own, written with
 * `attribute_not_exists` so two writers can never both append the same sequence number; the
 * view item is a cache for the worklist indexes, written only forward (version condition).
 * A new dossier is one TransactWriteItems: its first commit, its view, its reference and the
 * request's Idempotency-Key record, all or nothing (dynalite 4 has no transactions; the project's
 * patch of it adds TransactWriteItems with DynamoDB's semantics, patches/dynalite+4.0.0.patch). Items that stop mattering after a
 * while (leases, idempotency records) carry `expiresAt` (TTL_ATTRIBUTE, epoch seconds) for
 * DynamoDB's TTL to clean up; the store checks expiry itself, so dynalite (no TTL) behaves the
 * same. Dossier events, views, reads and claims never carry it: a dossier is erased explicitly
 * at the end of its retention (Procedure.erase), never by TTL.
 */

import { isDeepStrictEqual } from 'node:util';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { monotonicFactory } from 'ulid';
import { deepFreeze } from '../../statemachines/deep-freeze.js';
import {
  advance,
  committed,
  type DossierEvent,
  type DossierView,
  deriveView,
  type EventBody,
  lookFrom,
} from '../domain/dossier.js';
import { ConflictError, LimitReachedError, RaceLostError } from '../domain/errors.js';
import { pooledRandom } from '../domain/pooled-random.js';
import type { HeldMail, HeldMailStore, ImprovementRow, LimitCheck, NewDossierRecords } from '../domain/ports.js';
import {
  cachedSdkSender,
  type DocumentCommandSender,
  GetCommand,
  PutCommand,
  QueryCommand,
  sdkSender,
  TransactWriteCommand,
  UpdateCommand,
} from './document-commands.js';

export const INDEXES = {
  /** Open dossiers of a regulation by nearest deadline. */
  worklist: { name: 'worklist', pk: 'gsi1pk', sk: 'gsi1sk' },
  /** Open dossiers by the role whose step is under way, by nearest deadline. */
  byRole: { name: 'byRole', pk: 'gsi2pk', sk: 'gsi2sk' },
  /** All dossiers of a regulation by date of receipt, for reports. */
  byReceived: { name: 'byReceived', pk: 'gsi3pk', sk: 'gsi3sk' },
} as const;

/** The worklist index's key for a regulation's mail that waits in the postvak. */
const heldKey = (regulationId: string) => `HELD-WAITING#${regulationId}`;

/** The byRole index's key for a regulation's dossiers that are no longer open but have work pending. */
const pendingKey = (regulationId: string) => `PENDING#${regulationId}`;

/**
 * The byRole index's key for a regulation's open dossiers whose ladder has not recorded itself yet:
 * a new complaint is stored with it, and loses it when the ladder's first task records the
 * execution. Whatever keeps it longer than a moment is a dossier whose StartExecution never came
 * (a crash between the commit and the call): the intake recovery finds it here, in AWS on a schedule
 * and locally at start-up (procedure/intake.ts recoverStarts), without reading every dossier.
 */
const startingKey = (regulationId: string) => `STARTING#${regulationId}`;

/**
 * The byRole index's key for a regulation's closed dossiers whose erasure at the end of the
 * retention period (AVG art. 5 lid 1 onder e) is decided but not yet known to be scheduled. The
 * closing commit's writer puts the mark (an item of its own, `erasingItemKey`) before the commit
 * and takes it out of the index once CreateSchedule answered (`confirmErasure`); whatever keeps it
 * longer than a moment is an erasure a crash or a throttled call lost, which the recovery makes
 * again (procedure/recovery.ts recoverErasures). Closed dossiers are in no other index the
 * recovery reads, and this one holds only the unconfirmed: never closed history.
 */
const erasingKey = (regulationId: string) => `ERASING#${regulationId}`;

/**
 * The mark's own item, in a partition of its own (`ERASING#<dossier>`): the recovery, which
 * otherwise only reads the table, may update these items and no other (an IAM condition on
 * dynamodb:LeadingKeys, lib/dossier-table.ts grantConfirmErasures).
 */
export const ERASING_ITEM_PREFIX = 'ERASING#';
const erasingItemKey = (id: string) => ({ pk: `${ERASING_ITEM_PREFIX}${id}`, sk: 'ERASING' });

/** How long a confirmed mark's item stays before TTL removes it (out of the index at once). */
const CONFIRMED_MARK_SECONDS = 24 * 3600;

/** The attribute DynamoDB's TTL reads (epoch seconds); the CDK table names it. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** How many of a dossier's latest reads a view shows. */
export const READS_SHOWN = 50;

/** How long an Idempotency-Key is remembered: a client retrying a day later gets a new complaint. */
export const IDEMPOTENCY_SECONDS = 24 * 3600;

/**
 * How long a pending Idempotency-Key is its owner's: longer than a request can live (the API
 * function's timeout is 29 s, lib/handlers.ts; a local request takes under a second), so a
 * working owner is never overtaken, and short enough that a retry after a crash goes ahead.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;

/** A lease's item outlives the lease by a day before TTL may remove it (TTL deletes lazily anyway). */
const LEASE_GRACE_SECONDS = 24 * 3600;

const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * How long the commit that queues letters holds their lease for its writer (wall clock): the
 * writer sends them right after the commit, without a lease request per letter (#19: 9.4 PutItems
 * a complaint), as long as a whole lease (`lease`'s `seconds`) is left of it; any other writer
 * waits for it to run out and then takes the letter's own lease item as before. Half a minute
 * more than the minute a letter's lease runs (procedure/core.ts deliver): a sender that crashed
 * right after its commit has its letters sent by the next writer half a minute later than before.
 */
export const COMMIT_LEASE_SECONDS = 90;

/** The commit item's attribute that holds its letters' lease (epoch milliseconds, wall clock). */
const COMMIT_LEASE = 'lettersLeasedUntil';

/**
 * How long after putting an erasure's mark a store does not put it again for a closing commit
 * decided anew: well within the recovery's grace (INTAKE_RECOVERY_GRACE_SECONDS, 120 s), before
 * which the recovery never takes a mark out; a retry comes within milliseconds.
 */
const MARK_AGAIN_SECONDS = 30;

/** How many letters' commit leases a store remembers (queued, not yet known sent); beyond it the oldest is read again. */
const LEASES_KNOWN = 4096;

/**
 * How many letters known sent or set aside a store remembers, to refuse a lease without a read. A
 * sent letter is kept apart from the pending ones and only the latest few: each closed complaint
 * otherwise kept its letters' entries until 4 096 were reached (memory.test: 2 280 B against its
 * bound of 1 800 B per closed complaint). A letter forgotten is learnt again from its commits.
 */
const DONE_KNOWN = 256;

/** The table's definition: the CDK stack and the local runtime create the same one. */
export function tableDefinition(tableName: string) {
  const index = (i: { name: string; pk: string; sk: string }) => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.pk, KeyType: 'HASH' as const },
      { AttributeName: i.sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'].map((a) => ({
      AttributeName: a,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'sk', KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [index(INDEXES.worklist), index(INDEXES.byRole), index(INDEXES.byReceived)],
  };
}

/** Creates the table when it does not exist (local runtime and tests; CDK does it in AWS). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException) && (e as Error).name !== 'ResourceNotFoundException') throw e;
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    for (let i = 0; i < 100; i++) {
      const t = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (t.Table?.TableStatus === 'ACTIVE') return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Sortable ids that keep their order within one millisecond (reads in the same instant). */
const nextId = monotonicFactory(pooledRandom);

const seqKey = (seq: number) => `EVENT#${String(seq).padStart(6, '0')}`;

/**
 * A commit item: its events as one JSON string. As a DynamoDB map every letter's text, every
 * deadline's explanation and every field of the complaint was an attribute of its own, marshalled
 * by the SDK, validated and sized attribute by attribute by the store; a complaint's first commit
 * cost its writer several times a plain PutItem (#19). Nothing queries inside the events: they are
 * read whole and folded. Items written before this hold a list: both are read.
 */
const commitItem = (id: string, seq: number, events: DossierEvent[], leasedUntil?: number) => ({
  pk: dossierKey(id),
  sk: seqKey(seq),
  // Whole, as told: a deadline's explanation keeps its sentences, the record of what the officer
  // and the complainant were shown (session 16 tried rendering them again when read, a third of a
  // new dossier's first commit: a later wording would then rewrite every such record, and a
  // rollback to the code before could not read them).
  events: JSON.stringify(events),
  ...(leasedUntil !== undefined ? { [COMMIT_LEASE]: leasedUntil } : {}),
});
const eventsOf = (item: Record<string, unknown>): DossierEvent[] =>
  typeof item.events === 'string' ? (JSON.parse(item.events) as DossierEvent[]) : (item.events as DossierEvent[]);

/** What jsonCopy answers for a value it leaves to JSON.parse. */
const NOT_PLAIN = Symbol('not plain');
/**
 * JSON.parse(JSON.stringify(value)) for plain data (strings, numbers, booleans, null, arrays, and
 * objects of Object's prototype), by copying it instead of parsing it back: a field undefined, a
 * function or a symbol left out of an object and null in an array, -0 as 0, NaN and the
 * infinities as null, the keys in the same order, the strings shared. Anything else (a toJSON, a
 * Date, a class instance, a boxed value, a key named __proto__) answers NOT_PLAIN.
 * test/store-json-copy.test.ts holds it to JSON's round trip.
 */
export function jsonCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || 'toJSON' in value) return NOT_PLAIN;
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const x = value[i];
          if (x === undefined || typeof x === 'function' || typeof x === 'symbol') out[i] = null;
          else {
            const c = jsonCopy(x);
            if (c === NOT_PLAIN) return NOT_PLAIN;
            out[i] = c;
          }
        }
        return out;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype || 'toJSON' in value) return NOT_PLAIN;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value)) {
        const x = (value as Record<string, unknown>)[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        if (k === '__proto__') return NOT_PLAIN;
        const c = jsonCopy(x);
        if (c === NOT_PLAIN) return NOT_PLAIN;
        out[k] = c;
      }
      return out;
    }
    default:
      return NOT_PLAIN;
  }
}

/**
 * The events of a commit just written as a read gives them back (JSON: a field left undefined is
 * no field), copied from the events where they are plain data, parsed from the commit's string
 * otherwise: parsing back what was just written was about 1.4 % of a simulated year's CPU, a
 * dossier's first commit 0.1 ms (#19, session 14).
 */
function asRead(events: DossierEvent[], json: string): DossierEvent[] {
  const copy = jsonCopy(events);
  return copy === NOT_PLAIN ? (JSON.parse(json) as DossierEvent[]) : (copy as DossierEvent[]);
}
const dossierKey = (id: string) => `DOSSIER#${id}`;
/** An event's author: the commit's, unless the event names its own (a page link granted in another's commit). */
const authorOf = (b: EventBody, by: string): string => ('by' in b && b.by) || by;
/**
 * The improvement register: one projection item per action in one partition per regulation,
 * sorted by due date, so the register is one Query however many dossiers there are. The due date
 * never changes, so neither does an action's key.
 */
const improvementsKey = (regulationId: string) => `IMPROVEMENTS#${regulationId}`;

export interface WorklistQuery {
  regulationId: string;
  role?: string;
  rung?: string;
  limit?: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

/** A dossier's view item for the indexes: its key, version and the plain values the worklist shows. */
type ViewItem = Record<string, string | number | readonly string[] | undefined>;

/**
 * Whether two view items say the same, their version aside: every value is a string, a number, a
 * list of strings (the addresses a letter did not reach) or absent, and an absent one is not written.
 */
export function sameViewItem(a: ViewItem, b: ViewItem): boolean {
  for (const k in a) if (k !== 'version' && !sameValue(a[k], b[k])) return false;
  for (const k in b) if (k !== 'version' && !(k in a) && b[k] !== undefined) return false;
  return true;
}

function sameValue(x: ViewItem[string], y: ViewItem[string]): boolean {
  if (x === y) return true;
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
  return x.every((v, i) => v === y[i]);
}

/** Which actions of a cancelled transaction failed their condition (by position), if it was that. */
function cancelledAt(e: unknown): number[] | undefined {
  if ((e as Error)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
}

function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e as Error)?.name === 'ConditionalCheckFailedException';
}

/**
 * How many open dossiers a store keeps in memory (see DynamoDossierStore's `recent`). A dossier
 * is busy in bursts (a task begins a step, an officer looks and acts, the next task begins) with
 * days or weeks between them, so the store must hold the dossiers open at once, or it reads each
 * one it let go whole again at its next step: 128 made reads grow with the complaints a day (read
 * units per complaint 25.1 at 1 000 a year, 31.5 at 10 000; a year of 10 000 has about 770 open at
 * once, 27 a day open for about four weeks). 1 024 holds a year of some 13 000 complaints in one
 * store; a dossier kept is its view and events, about 60 KB as JSON on average at its end (#19, session 10;
 * test/store-open-at-once.test.ts). Closed dossiers leave, so this does not grow with history.
 */
export const RECENT_DOSSIERS = 1024;

/**
 * How many references a store takes from the year's counter at once (nextReference): one counter
 * round trip per this many complaints; at most this many minus one numbers left unused when a
 * process or Lambda container ends.
 */
export const REFERENCE_BLOCK = 10;

/** A dossier as a store last read or wrote it: its view and, when read whole, its events. */
interface Recent {
  view: DossierView;
  events?: readonly DossierEvent[];
}

/**
 * Something that answers the document client's commands without the SDK: the simulation's
 * in-memory DynamoDB (runtime/memory-dynamodb.ts), held to dynalite's answers by a test. It is
 * given the store's own commands (document-commands.ts: the input, without lib-dynamodb's).
 */
export interface DocumentSender {
  send(command: PutCommand | GetCommand | QueryCommand | UpdateCommand | TransactWriteCommand): Promise<unknown>;
}

/** The view item for the indexes: what the worklist and the reports read of a dossier. */
export function viewItem(view: DossierView): ViewItem {
  const due = view.nextDueAt ?? '9999-12-31T23:59:59Z';
  const item: ViewItem = {
    pk: dossierKey(view.id),
    sk: 'VIEW',
    version: view.version,
    id: view.id,
    reference: view.reference,
    regulationId: view.regulationId,
    status: view.status,
    rungId: view.rungId,
    receivedAt: view.received.receivedAt,
    nextDueAt: view.nextDueAt,
    lateSince: view.lateSince,
    // The clock stands still (opschorting): the worklist says so, never "te laat".
    suspendedSince: view.suspension?.from,
    newMessageAt: view.newMessageAt,
    // "Brief niet aangekomen" in the worklist, with the address to phone about or correct.
    undeliveredSince: view.undeliveredSince,
    undeliveredTo: view.undeliveredTo,
    currentStep: view.current?.stepId,
    assignee: view.current?.assignee,
    complainantName: view.received.complainant.name,
    // Who the complaint is about (a role), so the worklist leaves it out for that person.
    ...(view.received.aboutRole ? { aboutRole: view.received.aboutRole } : {}),
    gsi3pk: `DOSSIERS#${view.regulationId}`,
    gsi3sk: `${view.received.receivedAt}#${view.id}`,
  };
  // Sparse indexes: a closed dossier leaves the worklist by not carrying its keys; one whose
  // letters still wait is in the byRole index under its regulation's pending key (recovery).
  if (view.status !== 'open' && view.letters.some((l) => l.status === 'queued'))
    Object.assign(item, { gsi2pk: pendingKey(view.regulationId), gsi2sk: view.id });
  if (view.status === 'open') {
    Object.assign(item, { gsi1pk: `OPEN#${view.regulationId}`, gsi1sk: `${due}#${view.id}` });
    // When it last decided a schedule: the scheduled recovery makes again what a crash between
    // that commit and CreateSchedule lost, and looks only at recent decisions (scheduledBetween).
    const decided = Object.values(view.reminders).reduce<string | undefined>(
      (latest, r) => (latest === undefined || r.decidedAt > latest ? r.decidedAt : latest),
      undefined,
    );
    if (decided) Object.assign(item, { schedulesDecidedAt: decided });
    // Sorted by receipt, which is never later than the commit: a look a little early at one whose
    // StartExecution is still on its way is harmless, as the start is idempotent.
    if (!view.executionArn)
      Object.assign(item, {
        gsi2pk: startingKey(view.regulationId),
        gsi2sk: `${view.received.receivedAt}#${view.id}`,
      });
    else if (view.current)
      Object.assign(item, {
        gsi2pk: `ROLE#${view.regulationId}#${view.current.assignee}`,
        gsi2sk: `${due}#${view.id}`,
      });
  }
  return item;
}

/**
 * The test suite's check of the views this store hands on without folding every stored event
 * (`committed`, a decision's own projection; `wonBy`, its own latest view; #19, session 18):
 * with `KLACHTFLOW_CHECK_HAND_ON=1` (vitest.config.ts sets it for every test) each such view is
 * compared with the fold of the same events the code before did, and an error stops the test
 * where they differ; the view is then frozen, with everything it holds, so that a later change in
 * place of a body it shares with its decision (which would make it differ afterwards) throws in
 * the module that makes it. A view that differed would be a dossier in a wrong state with nothing
 * to show for it: a deadline not watched, a letter not sent. Off in use: the fold is what was saved.
 */
const CHECK_HAND_ON = process.env.KLACHTFLOW_CHECK_HAND_ON === '1';

function handedOn(view: DossierView, fold: () => DossierView, where: string): DossierView {
  if (!CHECK_HAND_ON) return view;
  const folded = fold();
  if (!isDeepStrictEqual(view, folded))
    throw new Error(`the view ${where} handed on for ${view.id} v${view.version} is not the fold of its events`);
  return deepFreeze(view);
}

export class DynamoDossierStore implements HeldMailStore {
  private readonly doc: DocumentCommandSender;

  /**
   * Open dossiers this store read or wrote lately, the least recent first. A dossier's commits are
   * written once and never change (only an erasure rewrites them, and it appends `erased` before
   * it does), so a read starts from the version known and asks the table only for the commits
   * after it: one consistent Query as before, that returns nothing or the few commits since,
   * instead of every commit parsed and folded again (#19: parsing and folding whole dossiers was
   * about a sixth of a simulated year's CPU, a dossier being read several times a step). Bounded
   * (RECENT_DOSSIERS); a dossier leaves when it closes or is erased, so closed history is not kept.
   */
  private readonly recent = new Map<string, Recent>();

  /**
   * The view item this store last wrote for an open dossier of `recent`, and the dossier version
   * up to which the table's item is known to still say the same (`through`). A commit that changes
   * nothing the item carries (a letter recorded as sent, a link minted, a task token: most of a
   * dossier's commits) appended right after `through` leaves it as it is, instead of writing the
   * same item again with a higher version (#19: 12.8 of 21.2 view writes a complaint said nothing
   * new). Known only from this store's own writes and its own conditional appends since, never
   * from reading: a view item a crash left behind its commit is written again by the next commit
   * as before, whatever that commit changes.
   */
  private readonly written = new Map<string, { item: ViewItem; through: number }>();

  /**
   * Each letter's lease as the commit that queued it holds it (`until`, wall clock; 0 for a commit
   * written before commits held one), keyed by dossier and letter id: learnt from the commits this
   * store wrote (`mine`: this store wrote that commit and has not handed its lease out yet) and
   * from every commit item it read, until the letter is recorded as sent or set aside: then it moves
   * to `doneLetters`, so no lease on it is given again, even to a caller whose view is older than
   * that record. Bounded (LEASES_KNOWN): a letter forgotten is learnt again from the dossier's
   * commits when asked.
   */
  private readonly leases = new Map<string, { until: number; mine: boolean }>();

  /** Letters known sent or set aside (see `leases`; DONE_KNOWN, the latest only). */
  private readonly doneLetters = new Set<string>();

  /** Dossiers whose erasure mark this store put, and when (wall clock, ms), until it is confirmed. */
  private readonly marked = new Map<string, number>();

  /**
   * `recentDossiers`: how many open dossiers it keeps in memory (default RECENT_DOSSIERS; tests make
   * it small). `knownViews`: whether `known` answers (see there): for a store every writer of the
   * table goes through (the local runtime, the simulation), never in AWS.
   */
  constructor(
    client: DynamoDBClient | DocumentSender,
    private readonly tableName: string,
    private readonly options: {
      recentDossiers?: number;
      referenceBlock?: number;
      knownViews?: boolean;
      /**
       * Told when an append is made on a view `known` handed out: the task's Query in AWS, which
       * was not made here. Not when `known` answers: a decision on that view that appends nothing
       * is taken again on a read (core.ts mutate), and AWS made one Query, not two.
       */
      onKnown?: () => void;
    } = {},
  ) {
    this.doc =
      'middlewareStack' in client
        ? // The local runtime's client resolves its middleware once per command class (#19).
          (client as DynamoDBClient).config.cacheMiddleware === true
          ? cachedSdkSender(client as DynamoDBClient, { removeUndefinedValues: true })
          : sdkSender(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }))
        : // Answers the same commands with the same output shapes (see DocumentSender).
          (client as unknown as DocumentCommandSender);
  }

  /**
   * The next readable reference of a regulation's year: KL-2026-0001. Numbers are taken from the
   * year's counter in blocks of REFERENCE_BLOCK per store (one per process, one per Lambda
   * container), so a complaint does not wait for the counter each time (#19). ADD is atomic, so two
   * blocks never overlap and no two complaints share a reference; a block's unused numbers are a
   * gap when its process ends, and complaints taken in by different containers at once are not
   * numbered in the order they came in. The reference names a dossier; nothing counts complaints
   * from it. A refill asked while one is under way waits for that one.
   */
  async nextReference(regulationId: string, year: number): Promise<string> {
    const key = `${regulationId}#${year}`;
    for (;;) {
      const block = this.references.get(key);
      if (block && 'next' in block && block.next <= block.last)
        return `KL-${year}-${String(block.next++).padStart(4, '0')}`;
      if (block && 'refill' in block) {
        await block.refill;
        continue;
      }
      const refill = this.doc
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: `COUNTER#${regulationId}#${year}`, sk: 'COUNTER' },
            UpdateExpression: 'ADD n :block',
            ExpressionAttributeValues: { ':block': this.referenceBlock },
            ReturnValues: 'UPDATED_NEW',
          }),
        )
        .then(
          (r) => {
            const last = Number(r.Attributes?.n ?? 0);
            this.references.set(key, { next: last - this.referenceBlock + 1, last });
          },
          (e) => {
            this.references.delete(key);
            throw e;
          },
        );
      this.references.set(key, { refill });
      await refill;
    }
  }

  /** Each regulation's year's block of references this store hands out (see nextReference). */
  private readonly references = new Map<string, { next: number; last: number } | { refill: Promise<void> }>();

  private get referenceBlock(): number {
    return this.options.referenceBlock ?? REFERENCE_BLOCK;
  }

  /** Remembers which dossier a reference names (for "mail me my link again"). */
  async putReference(reference: string, regulationId: string, id: string): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: `REF#${regulationId}#${reference}`, sk: 'REF', id } }),
    );
  }

  async idByReference(reference: string, regulationId: string): Promise<string | undefined> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `REF#${regulationId}#${reference}`, sk: 'REF' },
        ConsistentRead: true,
      }),
    );
    return r.Item?.id as string | undefined;
  }

  /**
   * All events of a dossier, in order (consistent read: the table, never an index); with `after`,
   * only those with a higher sequence number (the commits after it: a commit's key is its first
   * event's number, and a commit never spans the version a view was folded to).
   */
  async events(id: string, after = 0): Promise<DossierEvent[]> {
    if (after > 0) return this.commits(id, after);
    return [...((await this.current(id, true))?.events ?? [])];
  }

  /** The dossier's view and its events, read at once (one Query); undefined when there is no such dossier. */
  async history(id: string): Promise<{ view: DossierView; events: DossierEvent[] } | undefined> {
    const r = await this.current(id, true);
    return r?.events ? { view: r.view, events: [...r.events] } : undefined;
  }

  /** The events of the commits after `after` (all of them for 0), read from the table. */
  private async commits(id: string, after: number): Promise<DossierEvent[]> {
    const out: DossierEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        KeyConditionExpression:
          after > 0 ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues:
          after > 0
            ? { ':pk': dossierKey(id), ':from': seqKey(after + 1), ':to': 'EVENT#\uffff' }
            : { ':pk': dossierKey(id), ':e': 'EVENT#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      };
      const page = await this.doc.send(new QueryCommand(input));
      for (const item of page.Items ?? []) {
        const events = eventsOf(item);
        this.learnLeases(id, events, Number(item[COMMIT_LEASE] ?? 0), false);
        out.push(...events);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * The latest view of an open dossier this store saw (the latest read, or its own latest accepted
   * append), without asking the table: what a ladder task decides on first (procedure/core.ts
   * `mutate`, #19 session 16: the Query before each of its decisions was 10 a simulated complaint).
   * It is a guess, never proof: the append on it is conditional on the next version, so a view
   * some other writer has gone past is refused, and the refusal brings the commit that won
   * (`wonBy`), on which the decision is made again. Bounded as `recent` is (RECENT_DOSSIERS, the
   * least recent out); a dossier closed or erased is not there, so it never answers for one.
   *
   * Only with `knownViews`, and so only where this store is the one every writer of the table
   * uses, as in the local runtime: there it is the latest but for a write under way at that very
   * moment. In AWS each function has its own containers, each with its own store that sees only
   * its own function's writes: a beginStep container's view of a dossier lacks at least the
   * awaitAction's token and the officer's action with its letters' record, so starting from it
   * meant FOLDS_IN_A_ROW refused PutItems (each billed the write units of the whole commit, letters
   * and all) and then the Query anyway: more cost and no fewer round trips than the one Query.
   */
  async known(id: string): Promise<DossierView | undefined> {
    if (!this.options.knownViews) return undefined;
    // An append of this dossier under way here (an officer's action recording the step's end,
    // which woke the ladder just before: officer-actions.ts chooseOutcome) is waited for: the
    // view after it, not one it is about to refuse. Without the wait the ladder's next step
    // decided on the view before it, lost the race and decided again, its letters rendered twice
    // (one decision more per officer action; more CPU than the Query it saved).
    for (let under = this.appending.get(id); under?.size; under = this.appending.get(id))
      await Promise.allSettled(under);
    const view = this.recent.get(id)?.view;
    if (view && this.options.onKnown) this.handedOut.set(view, (this.handedOut.get(view) ?? 0) + 1);
    return view;
  }

  /**
   * The dossier's view, derived from its events; undefined when there is no such dossier. With
   * `after`, a view of this dossier read before: the events since are read and folded onto it, so
   * a writer that lost a race reads the one or two commits it missed, not the whole dossier again
   * (each retry used to read every event back). An erasure rewrites stored events: a view from
   * before it is not brought up to date, the dossier is read whole.
   */
  async load(id: string, after?: DossierView): Promise<DossierView | undefined> {
    return (await this.current(id, false, after))?.view;
  }

  /**
   * The dossier as it is now: one consistent Query, for the commits after the latest version known
   * (a dossier of `recent`, or `after`), folded onto it; the whole dossier when none is known, or
   * when the commits since do not follow on (an erasure rewrote them: it appends `erased` first).
   * `withEvents`: the events are wanted too, so a known view without them does not do.
   */
  private async current(id: string, withEvents: boolean, after?: DossierView): Promise<Recent | undefined> {
    let base = this.recent.get(id);
    if (withEvents && !base?.events) base = undefined;
    // `after` is a view this store (or another on the same table) returned, so its version ends a commit.
    if (!withEvents && after?.id === id && after.version > (base?.view.version ?? 0)) base = { view: after };
    if (base && base.view.version > 0 && !base.view.erasedAt) {
      const since = await this.commits(id, base.view.version);
      if (since.length === 0) {
        this.remember(id, base.view, base.events);
        return base;
      }
      if (since[0]?.seq === base.view.version + 1 && !since.some((e) => e.type === 'erased')) {
        const view = advance(base.view, since);
        const events = base.events ? [...base.events, ...since] : undefined;
        this.remember(id, view, events);
        return events ? { view, events } : { view };
      }
    }
    const events = await this.commits(id, 0);
    if (events.length === 0) {
      this.recent.delete(id);
      this.written.delete(id);
      return undefined;
    }
    const view = deriveView(id, events);
    this.remember(id, view, events);
    return { view, events };
  }

  /**
   * Keeps a dossier among the `recent` ones (the latest used last), or lets it go: a dossier
   * closed or erased leaves, and beyond RECENT_DOSSIERS the least recent one does. A version
   * known already is not replaced by an older one (two reads at once).
   */
  private remember(id: string, view: DossierView, events?: readonly DossierEvent[]): void {
    const known = this.recent.get(id);
    this.recent.delete(id);
    if (view.status !== 'open' || view.erasedAt) {
      this.written.delete(id);
      return;
    }
    if (known && known.view.version > view.version) this.recent.set(id, known);
    else if (known?.events && !events && known.view.version === view.version) this.recent.set(id, known);
    else this.recent.set(id, events ? { view, events } : { view });
    if (this.recent.size > (this.options.recentDossiers ?? RECENT_DOSSIERS)) {
      const least = this.recent.keys().next().value as string;
      this.recent.delete(least);
      this.written.delete(least);
    }
  }

  /**
   * Appends events after `expectedVersion`, all in one item (a commit), so an append is atomic
   * without transactions. Throws ConflictError when another writer got there first: nothing of
   * this call is then written.
   */
  async append(
    id: string,
    expectedVersion: number,
    bodies: EventBody[],
    by: string,
    at: string,
    base?: DossierView,
  ): Promise<DossierView> {
    if (!this.options.knownViews) return this.appendNow(id, expectedVersion, bodies, by, at, base);
    const handed = base ? (this.handedOut.get(base) ?? 0) : 0;
    if (base && handed > 0) {
      this.handedOut.set(base, handed - 1);
      this.options.onKnown?.();
    }
    // Under way until it answers: `known` waits for it (see there).
    // The append itself is kept, not a `.then` of it: awaited here first, so that the async stack
    // of what it calls still names who appended (simulate --callers); `known` waits with allSettled.
    const work = this.appendNow(id, expectedVersion, bodies, by, at, base);
    const under = this.appending.get(id) ?? new Set<Promise<DossierView>>();
    this.appending.set(id, under);
    under.add(work);
    try {
      return await work;
    } finally {
      under.delete(work);
      if (under.size === 0 && this.appending.get(id) === under) this.appending.delete(id);
    }
  }

  /**
   * Views `known` handed out and how often (two tasks may get the same one), until an append is
   * made on each (`onKnown`); weak: nothing grows with the dossiers.
   */
  private readonly handedOut = new WeakMap<DossierView, number>();

  /** Appends of each dossier under way in this store (only with `knownViews`; emptied as each answers). */
  private readonly appending = new Map<string, Set<Promise<DossierView>>>();

  private async appendNow(
    id: string,
    expectedVersion: number,
    bodies: EventBody[],
    by: string,
    at: string,
    base?: DossierView,
  ): Promise<DossierView> {
    // The decision's last look at these bodies, taken before the first await (dossier.ts lookFrom).
    const seen = base ? lookFrom(base) : undefined;
    const events = bodies.map(
      (b, i) => ({ ...b, seq: expectedVersion + i + 1, at, by: authorOf(b, by) }) as DossierEvent,
    );
    const improves = bodies.some((b) => b.type === 'improvement.added' || b.type === 'improvement.updated');
    if (base && base.status !== 'open' && (improves || bodies.some((b) => b.type === 'letter.queued')))
      await this.markPending(id, base.regulationId);
    // An erasure decided (the dossier closes): marked before the commit, so a crash anywhere
    // between here and its CreateSchedule leaves the mark for the recovery. A commit that then
    // loses its race leaves a mark for a dossier that did not close here: the recovery finds it
    // closed by the other writer (and makes what that one decided) or open, and takes the mark out.
    // A closing commit decided again after it lost its race, a moment later, finds this store's
    // mark still there (only the schedule made, or the recovery after its grace, takes it out of
    // the index): not put again (#19: 0.75 PutItems a complaint in the simulated year).
    if (bodies.some((b) => b.type === 'retention.scheduled')) {
      const put = this.marked.get(id);
      if (put === undefined || Date.now() - put > MARK_AGAIN_SECONDS * 1000) {
        await this.markErasing(id, base?.regulationId ?? (await this.load(id))?.regulationId, at);
        this.marked.set(id, Date.now());
        if (this.marked.size > LEASES_KNOWN) this.marked.delete(this.marked.keys().next().value as string);
      }
    }
    const leasedUntil = bodies.some((b) => b.type === 'letter.queued')
      ? Date.now() + COMMIT_LEASE_SECONDS * 1000
      : undefined;
    const item = commitItem(id, expectedVersion + 1, events, leasedUntil);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(sk)',
          // A refusal brings the commit that won (DynamoDB PutItem, ReturnValuesOnConditionCheckFailure;
          // no read units): see wonBy.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new RaceLostError(this.wonBy(id, expectedVersion, base, e));
      throw e;
    }
    // The commit is this store's: the letters it queued are leased to it (see `lease`).
    this.learnLeases(id, events, leasedUntil ?? 0, true);
    // The write succeeded right after `expectedVersion`, so the view is the one the caller decided
    // on plus these events: no need to read the whole dossier back (it grows with every step).
    // Folded as a read gives them back (JSON: a field left undefined is no field), so the view
    // kept among the recent ones is the view any later read derives.
    const stored = asRead(events, item.events);
    let view: DossierView | undefined;
    if (expectedVersion === 0 || base?.version === expectedVersion) {
      // Onto the decision's own projection of these bodies, where it made one (dossier.ts committed).
      view =
        base && expectedVersion > 0
          ? handedOn(committed(base, stored, bodies, seen), () => advance(base, stored), 'after its append')
          : deriveView(id, stored);
      const known = this.recent.get(id);
      this.remember(
        id,
        view,
        expectedVersion === 0
          ? stored
          : known?.events && known.view.version === expectedVersion
            ? [...known.events, ...stored]
            : undefined,
      );
    } else view = await this.load(id);
    if (!view) throw new Error(`Dossier ${id} vanished`);
    // The register's projection before the view: the view written last clears the pending mark
    // only once the projection is there (see markPending).
    if (improves) await this.putImprovements(view);
    await this.putView(view, false, expectedVersion);
    return view;
  }

  /**
   * The view after the commit that refused an append on `expectedVersion`: `base` (at that
   * version) with the commit the refusal brought folded in, or undefined where it brought none
   * (dynalite 4 returns none: mhart/dynalite#182) or the commit does not follow on (an erasure: read whole). The
   * writer decides again on it without reading the dossier (#19, session 15: 2.7 Queries a
   * simulated complaint, each after the API's record of an officer's letters met the ladder's next
   * step); whatever came after that commit refuses the next append in turn.
   */
  private wonBy(id: string, expectedVersion: number, base: DossierView | undefined, e: unknown) {
    const refusing = (e as { Item?: Record<string, unknown> }).Item;
    if (!refusing || !base || base.version !== expectedVersion || base.erasedAt) return undefined;
    let item: Record<string, unknown>;
    let won: DossierEvent[];
    try {
      // As the SDK hands it over: in DynamoDB's attribute-value form (the document client leaves
      // errors as they are); taken as it is should it come as a document.
      item = typeof (refusing.sk as { S?: unknown })?.S === 'string' ? unmarshall(refusing as never) : refusing;
      won = eventsOf(item);
    } catch {
      return undefined; // not a commit this store can read: the writer reads the dossier instead
    }
    if (!Array.isArray(won) || won[0]?.seq !== expectedVersion + 1 || won.some((x) => x.type === 'erased'))
      return undefined;
    this.learnLeases(id, won, Number(item[COMMIT_LEASE] ?? 0), false);
    const known = this.recent.get(id);
    // The commit that won is this store's latest of the dossier (its own append, a moment ago: the
    // API's record of an officer's action met the ladder's next step in one runtime): the view
    // that append answered is the fold of the same stored events, not folded again (#19, session
    // 18: 530 of the 847 folds of a won commit over ONS 300, 1.8 a complaint). An erasure
    // rewrites commits, but appends `erased` first, which `won` would hold, and a store keeps no
    // view of an erased or closed dossier.
    // A copy of it, not the view itself: `known` may have handed that one to a ladder task, and the
    // loser's append on it would take that task's count of reads answered from memory (the meter's
    // reads and the IAM record of a Query by function; the review of session 18).
    const view =
      known && known.view.version === won.at(-1)?.seq && !known.view.erasedAt
        ? handedOn({ ...known.view }, () => advance(base, won), 'of the commit that won')
        : advance(base, won);
    this.remember(
      id,
      view,
      known?.events && known.view.version === expectedVersion ? [...known.events, ...won] : undefined,
    );
    return view;
  }

  /**
   * Marks a dossier that is no longer open as having work pending (a letter to send, the register
   * to project), before the events that bring that work are written: a crash between the event and
   * the view would otherwise leave work that no index shows. The next view written (putView)
   * carries the mark as long as letters wait, and drops it when none do. An open dossier needs no
   * mark: recovery reads every open dossier through the worklist anyway.
   */
  private async markPending(id: string, regulationId: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: dossierKey(id), sk: 'VIEW' },
          UpdateExpression: 'SET gsi2pk = :p, gsi2sk = :s',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':p': pendingKey(regulationId), ':s': id },
        }),
      )
      .catch((e) => {
        if (!isConditionFailure(e)) throw e; // no view yet: the dossier is new, so open
      });
  }

  /** The erasure's mark (see erasingKey), sorted by when the erasure was decided. */
  private async markErasing(id: string, regulationId: string | undefined, at: string): Promise<void> {
    if (!regulationId) return; // no such dossier: the commit below refuses or makes it, nothing to erase
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...erasingItemKey(id), id, gsi2pk: erasingKey(regulationId), gsi2sk: `${at}#${id}` },
      }),
    );
  }

  /**
   * Closed dossiers whose erasure was decided at or before `upTo` (an ISO instant, to the second)
   * and is not known to be scheduled: one Query of the unconfirmed marks, whatever has closed before.
   */
  async erasuresUnconfirmed(regulationId: string, upTo: string): Promise<string[]> {
    return this.idsThrough({
      IndexName: INDEXES.byRole.name,
      KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :upTo',
      ExpressionAttributeValues: { ':p': erasingKey(regulationId), ':upTo': `${upTo}#\uffff` },
    });
  }

  /**
   * The erasure of the dossier is scheduled (or has run): its mark leaves the index at once, and
   * its item goes by TTL a day later (the store appends and updates, never deletes). A mark that
   * is not there stays not there: the condition keeps the update from making one. TTL runs on the
   * wall clock, as DynamoDB's does; nothing reads the item after this.
   */
  async confirmErasure(id: string): Promise<void> {
    this.marked.delete(id);
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: erasingItemKey(id),
          UpdateExpression: 'REMOVE gsi2pk, gsi2sk SET #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':ttl': epochSeconds(Date.now()) + CONFIRMED_MARK_SECONDS },
        }),
      )
      .catch((e) => {
        if (!isConditionFailure(e)) throw e;
      });
  }

  /**
   * Dossiers no longer open that have work pending (a letter not yet sent, the register not yet
   * projected): through the index, so recovery does not read every dossier ever received.
   */
  async pending(regulationId: string): Promise<string[]> {
    return this.idsThrough({
      IndexName: INDEXES.byRole.name,
      KeyConditionExpression: 'gsi2pk = :p',
      ExpressionAttributeValues: { ':p': pendingKey(regulationId) },
    });
  }

  /** The `id` of every item an index query finds, page after page. */
  private async idsThrough(
    query: Pick<
      QueryCommandInput,
      'IndexName' | 'KeyConditionExpression' | 'FilterExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, ...query, ProjectionExpression: 'id', ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.id));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  /**
   * Open dossiers whose ladder has not recorded its execution, received before `before` (an ISO
   * instant): through the index, so the recovery reads what may need a start, never every dossier.
   */
  async starting(regulationId: string, before: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEXES.byRole.name,
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk < :before',
          ExpressionAttributeValues: { ':p': startingKey(regulationId), ':before': before },
          ProjectionExpression: 'id',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.id));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  /**
   * Open dossiers that decided a schedule after `after` and at or before `upTo` (ISO instants):
   * the worklist index holds only open dossiers, so a run of the scheduled recovery reads what is
   * open, never closed history, and loads only those whose decisions are recent.
   */
  async scheduledBetween(regulationId: string, after: string, upTo: string): Promise<string[]> {
    return this.idsThrough({
      IndexName: INDEXES.worklist.name,
      KeyConditionExpression: 'gsi1pk = :p',
      FilterExpression: 'schedulesDecidedAt > :after AND schedulesDecidedAt <= :upTo',
      ExpressionAttributeValues: { ':p': `OPEN#${regulationId}`, ':after': after, ':upTo': upTo },
    });
  }

  /**
   * Stores a new dossier in one round trip: its first commit, its view for the indexes, its
   * reference (unique: a reference already taken refuses the whole) and, for a request with an
   * Idempotency-Key, the key's record marked done with its answer, which the answer's own
   * function derives from the view. All or nothing: a crash leaves either a whole dossier
   * that its key answers with, or nothing at all.
   */
  async create(id: string, bodies: EventBody[], by: string, at: string, also: NewDossierRecords): Promise<DossierView> {
    const events = bodies.map((b, i) => ({ ...b, seq: i + 1, at, by: authorOf(b, by) }) as DossierEvent);
    const leasedUntil = bodies.some((b) => b.type === 'letter.queued')
      ? Date.now() + COMMIT_LEASE_SECONDS * 1000
      : undefined;
    const commit = commitItem(id, 1, events, leasedUntil);
    // Folded as a read gives the events back (see append), and kept among the recent dossiers.
    const stored = asRead(events, commit.events);
    const view = deriveView(id, stored);
    const done = also.idempotency?.(view);
    const item = viewItem(view);
    // The intake limits count in this same write (#19): a limit reached refuses the dossier too.
    const limitItems = (also.limits?.checks ?? []).map((c) => this.limitUpdate(c, also.limits?.now ?? new Date()));
    const records = [
      {
        Put: {
          TableName: this.tableName,
          Item: commit,
          ConditionExpression: 'attribute_not_exists(sk)',
        },
      },
      { Put: { TableName: this.tableName, Item: item } },
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: `REF#${also.regulationId}#${also.reference}`, sk: 'REF', id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(done
        ? [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: `IDEMPOTENCY#${done.key}`, sk: 'IDEMPOTENCY' },
                UpdateExpression: 'SET #s = :done, #r = :r',
                // Still this request's: a key released or finished meanwhile is not overwritten.
                ConditionExpression: '#s = :pending',
                ExpressionAttributeNames: { '#s': 'status', '#r': 'response' },
                ExpressionAttributeValues: { ':done': 'done', ':r': done.response, ':pending': 'pending' },
              },
            },
          ]
        : []),
    ];
    // The limits stand after the records, so a cancellation at or past this position is a limit's.
    const firstLimit = records.length;
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [...records, ...limitItems] }));
    } catch (e) {
      const failed = cancelledAt(e);
      const reached = failed?.find((i) => i >= firstLimit);
      if (reached !== undefined) throw new LimitReachedError(reached - firstLimit);
      if (failed?.includes(2)) throw new Error(`Reference ${also.reference} is already taken`);
      if (failed?.length) throw new ConflictError('Deze klacht wordt al verwerkt; probeer het zo opnieuw.');
      throw e;
    }
    this.learnLeases(id, events, leasedUntil ?? 0, true);
    this.remember(id, view, stored);
    this.wrote(id, item, 1);
    return view;
  }

  /**
   * Writes the register's projection of a dossier's actions, never backwards, and then the view
   * (recovery after a crash between the event and these: the view also drops its pending mark).
   */
  async projectImprovements(view: DossierView): Promise<void> {
    await this.putImprovements(view);
    await this.putView(view, true);
  }

  private async putImprovements(view: DossierView): Promise<void> {
    for (const i of view.improvements) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: improvementsKey(view.regulationId),
              sk: `${i.due}#${view.id}#${i.improvementId}`,
              version: view.version,
              dossierId: view.id,
              reference: view.reference,
              ...i,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
            ExpressionAttributeValues: { ':v': view.version },
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e; // a newer projection is already there
      }
    }
  }

  /** The improvement register of a regulation, by due date; one Query, filtered by status. */
  async improvements(regulationId: string, q: { status?: string; limit?: number } = {}): Promise<ImprovementRow[]> {
    const out: ImprovementRow[] = [];
    const limit = q.limit ?? 1000;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': improvementsKey(regulationId), ...(q.status ? { ':s': q.status } : {}) },
          ...(q.status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
          ExclusiveStartKey: start,
        }),
      );
      for (const { pk: _p, sk: _s, version: _v, ...row } of page.Items ?? []) out.push(row as ImprovementRow);
      start = page.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out.slice(0, limit);
  }

  /**
   * Writes the view item for the indexes, never backwards. `after`: the version the commit of this
   * view was appended on; when this store's item is known to hold through it and says the same,
   * nothing is written (see `written`).
   */
  private async putView(view: DossierView, force = false, after?: number): Promise<void> {
    const item = viewItem(view);
    const known = this.written.get(view.id);
    if (!force && known && after !== undefined && known.through === after && sameViewItem(known.item, item)) {
      known.through = view.version;
      return;
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: force
            ? 'attribute_not_exists(pk) OR version <= :v'
            : 'attribute_not_exists(pk) OR version < :v',
          ExpressionAttributeValues: { ':v': view.version },
        }),
      );
    } catch (e) {
      // A newer view is already there (its commit is past `through`, so what this store knew of
      // the item is never used again).
      if (!isConditionFailure(e)) throw e;
      return;
    }
    this.wrote(view.id, item, view.version);
  }

  /** The table holds `item` for the dossier as of `version`: kept while the dossier is among the recent ones. */
  private wrote(id: string, item: ViewItem, version: number): void {
    const known = this.written.get(id);
    if (!this.recent.has(id)) this.written.delete(id);
    else if (!known || known.through < version) this.written.set(id, { item, through: version });
  }

  /** Open dossiers, nearest deadline first, through an index (never a Scan). */
  async worklist(q: WorklistQuery): Promise<Page<Record<string, unknown>>> {
    const index = q.role ? INDEXES.byRole : INDEXES.worklist;
    const pk = q.role ? `ROLE#${q.regulationId}#${q.role}` : `OPEN#${q.regulationId}`;
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: `${index.pk} = :pk`,
      ExpressionAttributeValues: { ':pk': pk, ...(q.rung ? { ':rung': q.rung } : {}) },
      ...(q.rung ? { FilterExpression: 'rungId = :rung' } : {}),
      Limit: q.limit ?? 50,
      ExclusiveStartKey: q.cursor ? JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) : undefined,
    };
    const page = await this.doc.send(new QueryCommand(input));
    // Its version is the guard of the item's own writes (the dossier's version when what it shows
    // last changed), not the dossier's: not an answer.
    const items = (page.Items ?? []).map(
      ({ pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, version, ...rest }) => rest,
    );
    return {
      items,
      next: page.LastEvaluatedKey ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') : null,
    };
  }

  /** Ids of the dossiers of a regulation received in [from, to) (ISO instants), through the index. */
  async receivedBetween(regulationId: string, from: string, to: string): Promise<string[]> {
    return this.idsThrough({
      IndexName: INDEXES.byReceived.name,
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `DOSSIERS#${regulationId}`, ':from': from, ':to': `${to}\uffff` },
    });
  }

  /** Rewrites every commit item of a dossier with `redactEvent` applied (retention erasure). */
  async redact(id: string, redactEvent: (e: DossierEvent) => DossierEvent): Promise<void> {
    this.recent.delete(id);
    this.written.delete(id);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
          ExpressionAttributeValues: { ':pk': dossierKey(id), ':e': 'EVENT#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const events = eventsOf(item).map(redactEvent);
        await this.doc.send(
          new PutCommand({ TableName: this.tableName, Item: { ...item, events: JSON.stringify(events) } }),
        );
      }
      start = page.LastEvaluatedKey;
    } while (start);
    const view = await this.load(id);
    if (view) await this.putView(view, true);
  }

  /** Records that an officer read a dossier (who, when, what): kept beside the events, not among them. */
  async recordRead(id: string, read: { by: string; at: string; what: string }): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: dossierKey(id), sk: `READ#${read.at}#${nextId()}`, ...read },
      }),
    );
  }

  /**
   * The latest `limit` reads of a dossier, oldest first, and whether there were more. Newest first
   * from the table with a limit: a dossier read every day for a year is not read back whole on
   * every view (the Query read all of them before, and each view added one).
   */
  async reads(
    id: string,
    limit = READS_SHOWN,
  ): Promise<{ items: { by: string; at: string; what: string }[]; more: boolean }> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':pk': dossierKey(id), ':r': 'READ#' },
        ConsistentRead: true,
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const items = (r.Items ?? []).map((x) => ({ by: String(x.by), at: String(x.at), what: String(x.what) })).reverse();
    return { items, more: r.LastEvaluatedKey !== undefined };
  }

  /**
   * Claims a one-time action (a letter, a schedule): true the first time, false after. A retried
   * handler that finds its claim taken does not do the work twice.
   */
  async claim(id: string, key: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: dossierKey(id), sk: `CLAIM#${key}`, at },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /**
   * What the commits of a dossier say of its letters' leases (see `leases`): a letter queued in a
   * commit is leased until `until` (to this store when `mine`), one recorded sent or set aside is done.
   */
  private learnLeases(id: string, events: readonly DossierEvent[], until: number, mine: boolean): void {
    for (const e of events) {
      if (e.type !== 'letter.queued' && e.type !== 'letter.sent' && e.type !== 'letter.failed') continue;
      const key = `${id}\n${(e.data as { letterId: string }).letterId}`;
      if (e.type === 'letter.queued') {
        // Read back, a commit this store wrote stays its own; a letter known done stays done.
        if (this.leases.has(key) || this.doneLetters.has(key)) continue;
        this.leases.set(key, { until, mine });
        if (this.leases.size > LEASES_KNOWN) this.leases.delete(this.leases.keys().next().value as string);
      } else {
        this.leases.delete(key);
        this.doneLetters.add(key);
        if (this.doneLetters.size > DONE_KNOWN)
          this.doneLetters.delete(this.doneLetters.values().next().value as string);
      }
    }
  }

  /**
   * A lease on a one-time action (sending a letter): true when taken, false while another holds it.
   * A letter's (`letter#<letterId>`) is first its commit's (COMMIT_LEASE_SECONDS): the store that
   * wrote that commit takes it without a request, once, while a whole lease is left of it; no
   * other writer takes it while it runs, nor one recorded as sent. After it, or for a commit that
   * holds none, the letter's own lease item decides, as every other lease's does. `seconds` 0 (the
   * local start-up's recovery, which sends what it finds whatever the answer) goes to the item.
   */
  async lease(id: string, key: string, now: Date, seconds: number): Promise<boolean> {
    if (seconds > 0 && key.startsWith('letter#')) {
      const letter = `${id}\n${key.slice('letter#'.length)}`;
      // Not known (a view from elsewhere, or forgotten): the dossier's commits say.
      if (!this.leases.has(letter) && !this.doneLetters.has(letter)) await this.commits(id, 0);
      if (this.doneLetters.has(letter)) return false;
      const held = this.leases.get(letter);
      if (held?.mine && held.until - now.getTime() >= seconds * 1000) {
        held.mine = false;
        return true;
      }
      if (held && held.until > now.getTime()) return false;
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: dossierKey(id),
            sk: `LEASE#${key}`,
            until: now.getTime() + seconds * 1000,
            [TTL_ATTRIBUTE]: epochSeconds(now.getTime() + seconds * 1000) + LEASE_GRACE_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(sk) OR #u < :now',
          ExpressionAttributeNames: { '#u': 'until' },
          ExpressionAttributeValues: { ':now': now.getTime() },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /**
   * Counts one attempt in a fixed time window and says whether it is within the limit. One item
   * per key and window, updated atomically (ADD), so concurrent Lambdas count together; the item
   * carries an expiry time for DynamoDB's TTL, as it means nothing after its window.
   */
  async withinLimit(key: string, now: Date, windowSeconds: number, limit: number): Promise<boolean> {
    const window = Math.floor(now.getTime() / 1000 / windowSeconds);
    const r = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `RATE#${key}`, sk: `WINDOW#${windowSeconds}#${window}` },
        UpdateExpression: 'ADD #n :one SET #e = if_not_exists(#e, :expires)',
        ExpressionAttributeNames: { '#n': 'count', '#e': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':expires': (window + 2) * windowSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(r.Attributes?.count ?? 0) <= limit;
  }

  /**
   * One limit's count of one attempt in its window, refused at the limit: in the write that stores
   * a complaint (create, NewDossierRecords.limits). Unlike `withinLimit`, a refused attempt is not
   * counted: a caller stopped at the limit stays stopped for the rest of the window all the same.
   */
  private limitUpdate({ key, windowSeconds, limit }: LimitCheck, now: Date) {
    const window = Math.floor(now.getTime() / 1000 / windowSeconds);
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: `RATE#${key}`, sk: `WINDOW#${windowSeconds}#${window}` },
        UpdateExpression: 'ADD #n :one SET #e = if_not_exists(#e, :expires)',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
        ExpressionAttributeNames: { '#n': 'count', '#e': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':expires': (window + 2) * windowSeconds, ':limit': limit },
      },
    };
  }

  /** Idempotency records of the API (`Idempotency-Key`); an expired one is no record. */
  async getIdempotent(
    key: string,
    now: Date = new Date(),
  ): Promise<{ status: 'pending' | 'done'; response?: unknown; fingerprint: string } | undefined> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' },
        ConsistentRead: true,
      }),
    );
    // TTL deletes up to days late: expiry is checked here, not left to DynamoDB.
    const expiresAt = r.Item?.[TTL_ATTRIBUTE];
    if (typeof expiresAt === 'number' && expiresAt * 1000 <= now.getTime()) return undefined;
    if (r.Item?.status === 'released') return undefined;
    return r.Item as { status: 'pending' | 'done'; response?: unknown; fingerprint: string } | undefined;
  }

  /**
   * Starts an idempotent request; false when another request with this key got there first and
   * may still be working on it. The record expires IDEMPOTENCY_SECONDS after `at`; an expired
   * record may be taken again. While pending it is a lease of IDEMPOTENCY_LEASE_SECONDS on the
   * wall clock (`wallNow`): a pending key whose owner died (a crash half-way) is taken over once
   * the lease ran out, instead of answering "wordt al verwerkt" for a day.
   */
  async beginIdempotent(key: string, fingerprint: string, at: string, wallNow: Date = new Date()): Promise<boolean> {
    const atMs = Date.parse(at);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `IDEMPOTENCY#${key}`,
            sk: 'IDEMPOTENCY',
            status: 'pending',
            fingerprint,
            at,
            leaseUntil: wallNow.getTime() + IDEMPOTENCY_LEASE_SECONDS * 1000,
            [TTL_ATTRIBUTE]: epochSeconds(atMs) + IDEMPOTENCY_SECONDS,
          },
          // Free: never taken, expired, released by a refused request, or pending past its lease
          // with the same request (its owner died half-way).
          ConditionExpression:
            'attribute_not_exists(pk) OR #exp <= :now OR #s = :released OR (#s = :pending AND #lease <= :wall AND #fp = :fp)',
          ExpressionAttributeNames: {
            '#exp': TTL_ATTRIBUTE,
            '#s': 'status',
            '#lease': 'leaseUntil',
            '#fp': 'fingerprint',
          },
          ExpressionAttributeValues: {
            ':now': Math.floor(atMs / 1000),
            ':released': 'released',
            ':pending': 'pending',
            ':wall': wallNow.getTime(),
            ':fp': fingerprint,
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async finishIdempotent(key: string, response: unknown): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' },
        UpdateExpression: 'SET #s = :done, #r = :r',
        ExpressionAttributeNames: { '#s': 'status', '#r': 'response' },
        ExpressionAttributeValues: { ':done': 'done', ':r': response },
      }),
    );
  }

  /**
   * Forgets a started request that failed (bad input): a corrected retry with the same key may go
   * ahead. An UpdateItem that marks the record released, not a DeleteItem: the functions' roles
   * may append and update the table but never delete from it (lib/dossier-table.ts; the IAM
   * simulation in test/aws-permissions.test.ts refused the DeleteItem this used to send).
   */
  async releaseIdempotent(key: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' },
          UpdateExpression: 'SET #s = :released',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':released': 'released' },
        }),
      )
      .catch((e) => {
        if (!isConditionFailure(e)) throw e;
      });
  }

  // --- the postvak: e-mails held for an officer (one partition per regulation) ---
  // Mail that waits for a decision is also in the worklist index under its own key, and leaves it
  // when decided: the worklist and the notices count what waits without reading every mail the
  // postvak ever held (spam included, that can be thousands a year).

  async putHeld(item: HeldMail): Promise<void> {
    const waiting =
      item.status === 'held' ? { gsi1pk: heldKey(item.regulationId), gsi1sk: `${item.receivedAt}#${item.id}` } : {};
    await this.doc
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `HELD#${item.regulationId}`, sk: `MAIL#${item.id}`, ...item, ...waiting },
          // A retried delivery of the same message does not overwrite an officer's decision.
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      )
      .catch((e) => {
        if (!isConditionFailure(e)) throw e;
      });
  }

  async getHeld(regulationId: string, id: string): Promise<HeldMail | undefined> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `HELD#${regulationId}`, sk: `MAIL#${id}` },
        ConsistentRead: true,
      }),
    );
    if (!r.Item) return undefined;
    const { pk: _pk, sk: _sk, ...item } = r.Item;
    return item as HeldMail;
  }

  /**
   * Held mail, oldest first; by status when given. What still waits comes from the index (only
   * the waiting mail, read eventually consistent: a decision of a moment ago may still show, and
   * deciding it again is refused with 409); any other status from the postvak's partition.
   */
  async listHeld(regulationId: string, status?: HeldMail['status']): Promise<HeldMail[]> {
    const out: HeldMail[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        status === 'held'
          ? new QueryCommand({
              TableName: this.tableName,
              IndexName: INDEXES.worklist.name,
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': heldKey(regulationId) },
              ExclusiveStartKey: start,
            })
          : new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
              ExpressionAttributeValues: {
                ':pk': `HELD#${regulationId}`,
                ':m': 'MAIL#',
                ...(status ? { ':s': status } : {}),
              },
              ...(status ? { FilterExpression: '#st = :s', ExpressionAttributeNames: { '#st': 'status' } } : {}),
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
      );
      for (const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...item } of page.Items ?? []) out.push(item as HeldMail);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async forgetHeld(regulationId: string, id: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `HELD#${regulationId}`, sk: `MAIL#${id}` },
        UpdateExpression: 'SET #e = :at, #a = :none REMOVE #from, #subject, #text, #files',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeNames: {
          '#e': 'erasedAt',
          '#a': 'attachments',
          '#from': 'from',
          '#subject': 'subject',
          '#text': 'text',
          '#files': 'files',
        },
        ExpressionAttributeValues: { ':at': at, ':none': [] },
      }),
    );
  }

  async decideHeld(
    regulationId: string,
    id: string,
    status: Exclude<HeldMail['status'], 'held'>,
    decision: NonNullable<HeldMail['decision']>,
    forget = false,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `HELD#${regulationId}`, sk: `MAIL#${id}` },
          // Decided mail leaves the index of what waits.
          UpdateExpression: `SET #st = :s, #d = :d REMOVE gsi1pk, gsi1sk${forget ? ', #from, #subject, #text, #files' : ''}`,
          ConditionExpression: '#st = :held',
          ExpressionAttributeNames: {
            '#st': 'status',
            '#d': 'decision',
            ...(forget ? { '#from': 'from', '#subject': 'subject', '#text': 'text', '#files': 'files' } : {}),
          },
          ExpressionAttributeValues: { ':s': status, ':d': decision, ':held': 'held' },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
