/**
 * The JSON API: the same Hono app behind API Gateway (hono/aws-lambda) and in the local runtime
 * (@hono/node-server), so the routes cannot drift apart. The zod schemas are the contract and
 * the OpenAPI document (/openapi.json). Errors are JSON with a Dutch message and field paths;
 * nothing a client sends gives a 500.
 */
import { createHash } from 'node:crypto';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import proxyaddr from 'proxy-addr';
import { acknowledgedAtReceipt, findStep } from '../statemachines/ladder.js';
import type { Regulation } from '../statemachines/model.js';
import { COMPLAINANT_ROLES } from '../statemachines/vocabulary.js';
import { fieldsSchema, MINIMAL_RESPONSE, minimalAnswer, PreferHeader, pick, prefersMinimal } from './answer-shape.js';
import { bodyLimitByLength } from './body-limit.js';
import { localDate } from './domain/calendar/deadline.js';
import type { DossierView } from './domain/dossier.js';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  LimitReachedError,
  NotFoundError,
  UnprocessableError,
} from './domain/errors.js';
import type { InboundMail } from './domain/inbound-mail.js';
import {
  asksSatisfaction,
  contactPerson,
  dayOf,
  explanationForComplainant,
  extensionNotes,
  groundToComplainant,
  letterOnPage,
} from './domain/letters.js';
import type { AttachmentStore, DossierStore } from './domain/ports.js';
import { isRespondent } from './domain/procedure/access.js';
import { mayResend, resendLetter } from './domain/procedure/resend.js';
import { firstStillDay, resumesWhen } from './domain/procedure/suspension.js';
import { type Caller, Procedure } from './domain/procedure.js';
import { buildReport, reportCsv, reportHtml } from './domain/report.js';
import { escapeHtml, LONE_SURROGATE_MESSAGE, MAX_STORY, normalizeJson } from './domain/text.js';
import { DEADLINE_STATUS_NL, stepEndedLine, timeline } from './domain/timeline.js';
import { registerInboundRoutes } from './inbound-routes.js';
import { recordKey, seal, unseal } from './sealed.js';
import { createRoute } from './sync-parse.js';
import { registerAssets } from './web/assets.js';
import { documentPolicy, formGuard, guardedApi, securityHeaders } from './web/guard.js';
import { registerOfficerPages } from './web/officer-pages.js';
import { registerComplainantPages } from './web/pages.js';
import { registerPostvakPages } from './web/postvak-pages.js';
import type { PageSignIn } from './web/sign-in.js';

export interface OfficerIdentity {
  sub: string;
  roles: string[];
}

export interface ApiDeps {
  regulation: Regulation;
  procedure: Procedure;
  store: DossierStore;
  /** Turns a request into the officer's identity: Cognito claims in AWS, the runtime's tokens locally. */
  officer(c: Context): Promise<OfficerIdentity | undefined>;
  /** The complainant's private link. Built from configuration only, never from a request's Host header. */
  statusUrl(id: string, token: string): string;
  /**
   * The origins people reach the service at (PUBLIC_URL in AWS, the runtime's own address
   * locally), from configuration: form posts may come from these only. Default: the origin of
   * `statusUrl`.
   */
  ownOrigins?: () => string[];
  /** Other places the pages' forms may post to or redirect through (the Cognito hosted sign-out). */
  formTargets?: string[];
  /** The time the pages show deadlines against (the runtime's clock locally). */
  now?: () => Date;
  /** The caller's network address, where known: only to limit how often one caller may try. */
  clientAddress?: (c: Context) => string | undefined;
  /**
   * Proxies in front of the service (addresses or CIDR ranges, as proxy-addr reads them): for a
   * request from one of these, the caller is the nearest address in X-Forwarded-For that is not
   * one of them. Without any, X-Forwarded-For is never read (anyone can write it).
   */
  trustedProxies?: string[];
  /** How often one caller, and one e-mail address, may start a complaint (see DEFAULT_LIMITS). */
  limits?: Partial<RequestLimits>;
  /**
   * Runs work after the answer is sent (the lost-link request: the answer takes the same time
   * whether or not the details matched). Absent (Lambda, which freezes after answering): the work
   * runs before the answer, which is held to at least LINK_ANSWER_FLOOR_MS.
   */
  afterAnswer?: (work: () => Promise<void>) => void;
  /**
   * Resolves when no ladder work is under way (the local runtime: its background work and Step
   * Functions at rest). The officers' pages then stop waiting for the next step: nothing more
   * comes before the clock moves. Absent (AWS): they look every 100 ms, bounded.
   */
  ladderAtRest?: () => Promise<void>;
  /** How officers sign in to their pages (default: the local runtime's tokens; Cognito in AWS). */
  signIn?: PageSignIn;
  /** Where an unexpected error goes (default: the console; the Powertools logger in Lambda). */
  reportError?: (err: unknown) => void;
  /** Complaints by e-mail and their postvak (absent: the routes answer that it is not enabled). */
  inbound?: InboundMail;
  /** Where attachments of dossiers are kept. */
  attachments?: AttachmentStore;
}

/** A limit: at most `count` in a fixed window of `seconds`. */
export interface Limit {
  count: number;
  seconds: number;
}

export interface RequestLimits {
  /** Complaints one caller may start (anyone can make the organisation mail any address). */
  complaintsPerCaller: Limit;
  /** Complaints with one e-mail address: the acknowledgement goes there. */
  complaintsPerAddress: Limit;
}

/**
 * Generous for a person, tight for a script: a family or an office behind one address files a
 * few complaints an hour at most; one complainant a few a day.
 */
export const DEFAULT_LIMITS: RequestLimits = {
  complaintsPerCaller: { count: 10, seconds: 3600 },
  complaintsPerAddress: { count: 5, seconds: 86_400 },
};

/** Without `afterAnswer`, the lost-link answer never comes sooner than this (the work takes far less). */
export const LINK_ANSWER_FLOOR_MS = 1000;

/** `cognito:groups` arrives as a list, or as one string like "[officer manager]" (AWS.md). */
export function parseGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim === 'string')
    return claim
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
  return [];
}

const ErrorBody = z
  .object({
    error: z.object({
      message: z.string().openapi({ example: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.' }),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .openapi('Error');

const Postcode = z.string().regex(/^\d{4}\s?[A-Za-z]{2}$/, 'Vul een postcode in zoals 1234 AB.');
const IsoDate = z.iso.date({ error: 'Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2026-08-20.' });

const complaintFields = {
  complainant: z.object({
    name: z.string().trim().min(1, 'Vul uw naam in.').max(200),
    email: z.email({ error: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.' }).max(254).optional(),
    phone: z
      .string()
      .regex(/^[+0-9 ()-]{6,20}$/, 'Vul een telefoonnummer in, bijvoorbeeld 0612345678.')
      .optional(),
    address: z
      .object({
        street: z.string().max(200).optional(),
        postcode: Postcode.optional(),
        city: z.string().max(100).optional(),
      })
      .optional(),
    birthDate: IsoDate.optional(),
  }),
  role: z.enum(COMPLAINANT_ROLES, { error: `Kies een van: ${COMPLAINANT_ROLES.join(', ')}.` }),
  description: z.string().trim().min(1, 'Beschrijf uw klacht: wat is er gebeurd?').max(MAX_STORY),
  incidentDate: IsoDate.optional(),
  lastContactDate: IsoDate.optional(),
  variant: z.string().max(100).optional(),
  onBehalfOf: z.string().max(200).optional(),
  respondent: z
    .object({
      name: z.string().max(200).optional(),
      email: z.email().optional(),
      team: z.string().max(200).optional(),
      managerEmail: z.email().optional(),
    })
    .optional(),
  aboutRole: z.string().max(100).optional(),
  wantsSupport: z.boolean().optional(),
  /** Report questions of the regulation (ONS: the department; OCO: the topic), each a choice. */
  answers: z.record(z.string().max(100), z.string().max(300)).optional(),
  consent: z.literal(true, { error: 'Geef toestemming om uw gegevens voor de klacht te gebruiken.' }),
};

/** One way to reach the complainant is needed: e-mail, phone or address. */
const reachable = (b: { complainant: { email?: string; phone?: string; address?: { street?: string } } }) =>
  !!(b.complainant.email || b.complainant.phone || b.complainant.address?.street);
const reachableIssue = {
  message: 'Vul ten minste één manier in om u te bereiken: e-mail, telefoon of adres.',
  path: ['complainant', 'email'],
};

export const ComplaintBody = z.object(complaintFields).strict().refine(reachable, reachableIssue).openapi('Complaint');

const Deadline = z
  .object({
    id: z.string(),
    step: z.string(),
    title: z.string(),
    lastDay: z.string().openapi({ example: '2026-09-10' }),
    dueAt: z.string().openapi({ example: '2026-09-10T21:59:59Z' }),
    status: z.enum(['open', 'met', 'breached', 'cancelled']),
    kind: z.string(),
    extended: z.boolean(),
    /** The clock stands still (opschorting): no end until it runs again. */
    suspended: z.boolean(),
    statute: z.string().optional(),
    /** Set for a term for the handling as a whole (Awb 9:11, Wkkgz art. 17): its id in the regulation. */
    term: z.string().optional(),
    explanation: z.any(),
  })
  .openapi('Deadline');

const Created = z
  .object({
    id: z.string(),
    reference: z.string(),
    accessToken: z.string(),
    statusUrl: z.string(),
    deadlines: z.array(Deadline),
  })
  .openapi('ComplaintCreated');

const ActionBody = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('outcome'),
        stepId: z.string(),
        outcome: z.string(),
        note: z.string().max(50_000).optional(),
        /** What the outcome's letters must contain that the officer writes (findings, judgement, measures, their date). */
        contents: z.record(z.string().max(100), z.string().max(50_000)).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('extend'),
        stepId: z.string(),
        /** Put off a term for the handling as a whole (ladder.terms) instead of the step's own term. */
        termId: z.string().max(100).optional(),
        term: z.string().max(100),
        reason: z.string().trim().min(1, 'Geef de reden van de verlenging.').max(5000),
        consent: z.boolean().optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('suspend'),
        stepId: z.string(),
        /** A ground of the regulation (ladder.suspension.grounds); checked by the procedure, with a Dutch message. */
        ground: z.string().max(100).optional(),
        reason: z.string().max(5000).optional(),
        /** The complainant agreed, where the ground asks for it. */
        consent: z.boolean().optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('resume'),
        stepId: z.string(),
        reason: z.string().max(5000).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('handover'),
        stepId: z.string(),
        to: z.string(),
        reason: z.string().trim().min(1, 'Geef de reden van de overdracht.').max(5000),
      })
      .strict(),
  ])
  .openapi('Action');

const Id = z.object({ id: z.string().regex(/^[0-9a-z]{26}$/, 'Onbekend dossier.') });
const errors = {
  400: { description: 'Ongeldige invoer', content: { 'application/json': { schema: ErrorBody } } },
  404: { description: 'Niet gevonden', content: { 'application/json': { schema: ErrorBody } } },
  409: { description: 'Verouderde of herhaalde actie', content: { 'application/json': { schema: ErrorBody } } },
  422: {
    description: 'Niet toegestaan door de regeling of de stap',
    content: { 'application/json': { schema: ErrorBody } },
  },
};
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const bearer = [{ bearer: [] }];

/** An HTTP error decided in a route; the error handler turns it into the JSON error body. */
class ApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422 | 429,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function errorResponse(
  c: Context,
  status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503,
  message: string,
  issues: { path: string; message: string }[] = [],
) {
  return c.json({ error: { message, issues } }, status);
}

/** The origin of a configured URL, or undefined when there is none to read. */
function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

function path(p: readonly PropertyKey[]): string {
  return p.map(String).join('.');
}

function bearerToken(c: Context): string | undefined {
  const h = c.req.header('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/** The suspension under way, as the complainant or the officer reads it (the ground said to each). */
function suspensionOf(reg: Regulation, view: DossierView, reader: 'complainant' | 'officer') {
  const s = view.suspension;
  if (!s) return null;
  const ground = reg.ladder.suspension?.grounds.find((g) => g.id === s.groundId);
  return {
    ground: s.groundId,
    title: reader === 'complainant' && ground ? groundToComplainant(ground) : s.title,
    reason: s.reason,
    since: s.from,
    /** The first day that does not count (Awb 4:15 lid 1: the day after it stopped). */
    stillFrom: firstStillDay(s.from),
    ...(s.until ? { until: s.until } : {}),
    resumesWhen: resumesWhen(ground),
    /** The complainant's addition (page, API or e-mail reply) starts it again. */
    onInformation: ground?.on === 'missing-information',
    deadlines: s.deadlineIds,
  };
}

/** What a complainant sees of their dossier: no officer notes, no tokens. */
/**
 * zod's Dutch words for a text too long ("Te lang: verwacht dat string <=200 tekens heeft") name a
 * type and a sign, not what to do (PEOPLE.md: a message says what to do). Said plainly instead.
 */
function plainMessage(i: { code: string; message: string; origin?: string; maximum?: unknown }): string {
  if (i.code === 'too_big' && i.origin === 'string' && typeof i.maximum === 'number')
    return `Dit is te lang. Gebruik ten hoogste ${i.maximum.toLocaleString('nl-NL')} tekens.`;
  return i.message;
}

/** The results that are a judgement of the complaint (gegrond, deels gegrond, ongegrond). */
const JUDGEMENTS = new Set(['well-founded', 'partly-well-founded', 'unfounded']);

/**
 * How the rung the complaint stands at ended, for the complainant's choice on their page: with a
 * judgement (SO! Trainingsbureau: the director is asked "om binnen zes weken een oordeel te geven
 * over je klacht"; its page said "geen oplossing gevonden" after the director judged, review of
 * session 12), without a solution ("Niet opgelost"), or otherwise ended. The steps of this visit
 * of the rung: the ended steps from the last, back to the first that is not in it.
 */
function rungEndOf(reg: Regulation, view: DossierView): { judged?: string; solved: boolean | null } {
  const inRung: string[] = [];
  for (let i = view.ended.length - 1; i >= 0; i--) {
    const e = view.ended[i];
    if (!e) break;
    const at = findStep(reg, e.stepId);
    if (at?.step.kind === 'await-choice' && inRung.length === 0) continue;
    if (at?.rung.id !== view.rungId || at.step.kind === 'await-choice') break;
    const result = at.step.outcomes.find((o) => o.id === e.outcome)?.result;
    inRung.push(result ?? '');
  }
  const judged = inRung.find((r) => JUDGEMENTS.has(r));
  return { ...(judged ? { judged } : {}), solved: inRung[0] === 'not-resolved' ? false : null };
}

function complainantView(reg: Regulation, view: DossierView, actions: unknown[]) {
  const rung = reg.ladder.rungs.find((r) => r.id === view.rungId);
  const current = view.current ? findStep(reg, view.current.stepId) : undefined;
  return {
    id: view.id,
    reference: view.reference,
    status: view.status,
    receivedAt: view.received.receivedAt,
    description: view.received.description,
    // They ticked "Ik wil gratis hulp bij mijn klacht": their page says where that help is.
    wantsSupport: view.received.wantsSupport === true,
    // klachtflow acknowledges this written complaint itself (its route has no acknowledgement step;
    // Awb 9:6) and has not queued it yet: the page says it is on its way.
    acknowledging:
      view.status === 'open' &&
      acknowledgedAtReceipt(reg, view.received.startRung, view.received.channel) &&
      !view.letters.some((l) => l.kind === 'acknowledgement' && l.audience === 'complainant'),
    // What they added themselves; officers' internal messages are not theirs to read here.
    messages: view.messages.filter((m) => m.from === 'complainant').map(({ text, at }) => ({ text, at })),
    rung: rung ? { id: rung.id, title: rung.title } : null,
    currentStep:
      current && view.current
        ? { id: current.step.id, title: current.step.title, since: view.current.startedAt }
        : null,
    rungEnd: rungEndOf(reg, view),
    steps: view.ended.map((e) => ({
      step: findStep(reg, e.stepId)?.step.title ?? e.stepId,
      outcome: findStep(reg, e.stepId)?.step.outcomes.find((o) => o.id === e.outcome)?.title ?? e.outcome,
      // What happened, said once in their words (the page's "Wat er al gebeurde").
      text: stepEndedLine(reg, e.stepId, e.outcome, 'complainant'),
      at: e.at,
    })),
    // Explained with the ground the clock stood still for as their page says it, not the officers' title.
    deadlines: Procedure.deadlinesOf(view).map((d) => ({
      ...d,
      explanation: explanationForComplainant(reg, d.explanation),
    })),
    // The clock stands still (opschorting): why, since when, what starts it again.
    suspension: suspensionOf(reg, view, 'complainant'),
    // How far the terms for the whole handling may be put off (Awb 9:11 lid 2, Wkkgz art. 17 lid 2).
    extensionNotes: extensionNotes(reg, view),
    letters: view.letters
      .filter((l) => l.audience === 'complainant')
      // As the page shows it: they are at their link already, no placeholder meant for the mail.
      .map((l) => ({ kind: l.kind, subject: l.subject, text: letterOnPage(l.text), at: l.sentAt ?? l.queuedAt })),
    closed: view.closed ?? null,
    // Whom to contact with a question, as the letters say it (the regulation's complaints officer).
    contact: contactPerson(reg, view),
    availableActions: actions,
    canWithdraw: view.status === 'open',
    // After closure (not after a withdrawal) the page asks whether they are satisfied; their answer.
    satisfaction: {
      asked: view.status === 'closed' && asksSatisfaction(view.closed, !!view.erasedAt),
      answer: view.complainantSatisfaction
        ? {
            satisfied: view.complainantSatisfaction.satisfied,
            ...(view.complainantSatisfaction.remark ? { remark: view.complainantSatisfaction.remark } : {}),
            at: view.complainantSatisfaction.at,
          }
        : null,
    },
  };
}

/** What the officer's dossier is made from: the dossier, and for `GET /dossiers/{id}` its history and reads. */
interface OfficerSight {
  reg: Regulation;
  view: DossierView;
  procedure: Procedure;
  caller: Caller;
  events?: Parameters<typeof timeline>[1];
  reads?: { items: unknown[]; more: boolean };
}

/**
 * The officer's dossier, field by field in the order of the answer, each made only when asked
 * (`?fields=`, answer-shape.ts). Made once for the module: a closure per field per request cost
 * more than the fields the simulation asks for (#19).
 */
const OFFICER_FIELDS = {
  id: (s: OfficerSight) => s.view.id,
  reference: (s: OfficerSight) => s.view.reference,
  regulationId: (s: OfficerSight) => s.view.regulationId,
  status: (s: OfficerSight) => s.view.status,
  received: (s: OfficerSight) => {
    const { accessTokenHash: _hash, ...received } = s.view.received;
    return received;
  },
  rung: (s: OfficerSight) => s.view.rungId,
  currentStep: ({ reg, view }: OfficerSight) => {
    const current = view.current ? findStep(reg, view.current.stepId) : undefined;
    return current && view.current
      ? {
          id: current.step.id,
          title: current.step.title,
          actor: current.step.actor,
          assignee: view.current.assignee,
          since: view.current.startedAt,
          awaiting: !!view.current.token,
        }
      : null;
  },
  deadlines: (s: OfficerSight) => Procedure.deadlinesOf(s.view),
  letters: (s: OfficerSight) => s.view.letters.map(({ html: _html, ...l }) => l),
  timeline: (s: OfficerSight) => s.view.ended,
  closed: (s: OfficerSight) => s.view.closed ?? null,
  // What the complainant (and officers) added, in order; the first since an officer last acted is new.
  messages: (s: OfficerSight) => s.view.messages,
  newMessageAt: (s: OfficerSight) => s.view.newMessageAt ?? null,
  // The complainant's own answer after closure (not the registration form's, which is the officer's).
  complainantSatisfaction: (s: OfficerSight) => s.view.complainantSatisfaction ?? null,
  registration: (s: OfficerSight) => s.procedure.registrationOf(s.view) ?? null,
  improvements: (s: OfficerSight) => s.view.improvements,
  retentionUntil: (s: OfficerSight) => s.view.retentionUntil ?? null,
  erasedAt: (s: OfficerSight) => s.view.erasedAt ?? null,
  attachments: (s: OfficerSight) => s.view.attachments ?? [],
  incomplete: (s: OfficerSight) => s.view.incomplete ?? [],
  incompleteAsked: (s: OfficerSight) => s.view.incompleteAsked ?? null,
  suspension: (s: OfficerSight) => suspensionOf(s.reg, s.view, 'officer'),
  suspensions: (s: OfficerSight) => s.view.suspensions ?? [],
  // A letter that did not arrive since an officer last acted here: "brief niet aangekomen".
  undeliveredSince: (s: OfficerSight) => s.view.undeliveredSince,
  undeliveredTo: (s: OfficerSight) => s.view.undeliveredTo,
  availableActions: (s: OfficerSight) => s.procedure.availableActions(s.view, s.caller),
  version: (s: OfficerSight) => s.view.version,
};

/** `GET /dossiers/{id}`: the officer's dossier, and what only the dossier's own page shows. */
const DOSSIER_FIELDS = {
  ...OFFICER_FIELDS,
  // Whether this caller may correct the address of a letter that bounced and send it again.
  mayResend: (s: OfficerSight) => s.procedure.with(mayResend, s.caller, s.view),
  history: (s: OfficerSight) => timeline(s.reg, s.events ?? []),
  // The latest reads; `readsMore` says there were earlier ones.
  reads: (s: OfficerSight) => s.reads?.items ?? [],
  readsMore: (s: OfficerSight) => s.reads?.more ?? false,
};

/** The officer's dossier as the routes that change it answer it: every field, the caller's actions among them. */
function officerView(reg: Regulation, view: DossierView, caller: Caller, procedure: Procedure) {
  return pick(OFFICER_FIELDS, { reg, view, procedure, caller }, undefined);
}

export function createApi(deps: ApiDeps): OpenAPIHono {
  /**
   * The caller's address, or undefined where the adapter cannot tell (a request made in-process).
   * Behind a configured proxy, the nearest address it forwarded for (proxy-addr, as Express does).
   */
  const trusted = deps.trustedProxies?.length ? proxyaddr.compile(deps.trustedProxies) : undefined;
  const clientAddress = (c: Context): string | undefined => {
    try {
      const remote = deps.clientAddress?.(c) || undefined;
      if (!remote || !trusted) return remote;
      const forwarded = c.req.header('x-forwarded-for');
      return proxyaddr(
        { headers: forwarded ? { 'x-forwarded-for': forwarded } : {}, connection: { remoteAddress: remote } } as never,
        trusted,
      );
    } catch {
      return undefined;
    }
  };
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...deps.limits };

  /**
   * Idempotency-Key: the same key gives the same answer, once, however often and however
   * concurrently it is sent (a double click, a retried request, a reloaded form).
   */
  const idempotent = async <T>(
    given: string | undefined,
    body: unknown,
    run: (record?: (response: T) => { key: string; response: unknown }) => Promise<T>,
  ): Promise<T> => {
    if (!given) return run();
    // Stored under a hash of the client's key, the answer sealed with it (sealed.ts): the record
    // holds no access token in plain text.
    const key = recordKey(given);
    // Only a hash of the complaint is kept beside the key: no personal data in this record.
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('base64url');
    const now = deps.now?.() ?? new Date();
    // Taken when free, expired, or pending past its lease (its owner died half-way: a crash must
    // not leave the key "wordt al verwerkt" for a day, nor lose a re-posted form).
    const begin = () => deps.store.beginIdempotent(key, fingerprint, now.toISOString(), new Date());
    let started = await begin();
    for (let i = 0; !started && i < 100; i++) {
      const rec = await deps.store.getIdempotent(key, now);
      if (rec && rec.fingerprint !== fingerprint)
        throw new ApiError(422, 'Deze Idempotency-Key is al gebruikt voor een andere klacht.', [
          { path: 'idempotency-key', message: 'al gebruikt' },
        ]);
      if (rec?.status === 'done') return unseal(given, rec.response) as T;
      if (!rec || i % 10 === 9) started = await begin();
      if (!started) await new Promise((r) => setTimeout(r, 50));
    }
    if (!started) throw new ApiError(409, 'Deze klacht wordt al verwerkt; probeer het zo opnieuw.');
    let response: T;
    // The run may record the key done itself, in the write that stores what it made (a complaint:
    // one transaction, procedure/intake.ts); then no second write is needed here.
    let recorded = false;
    const record = (r: T) => {
      recorded = true;
      return { key, response: seal(given, r) };
    };
    try {
      response = await run(record);
    } catch (e) {
      // Refused input stores nothing, so a corrected retry with the same key may go ahead at once.
      // Any other failure may have come after the dossier was stored: the key stays pending until
      // its lease runs out, then a retry goes ahead (a duplicate beats a lost complaint; the
      // runtime's recoverIntake starts the ladder of one stored before a crash).
      if (e instanceof DomainError || (e instanceof ApiError && e.status === 429))
        await deps.store.releaseIdempotent(key);
      throw e;
    }
    if (!recorded) await deps.store.finishIdempotent(key, seal(given, response));
    return response;
  };
  const { procedure, regulation: reg } = deps;
  /**
   * The dossier after an officer's change: whole, or with `Prefer: return=minimal` nothing
   * (answer-shape.ts: a page that redirects afterwards does not need it; #19).
   */
  const dossierAnswer = (c: Context, view: DossierView, caller: Caller) =>
    prefersMinimal(c) ? minimalAnswer(c) : c.json(officerView(reg, view, caller, procedure), 200);
  /** The answer to a complaint made: also what its Idempotency-Key's record keeps. */
  const created = (view: DossierView, accessToken: string): z.infer<typeof Created> => ({
    id: view.id,
    reference: view.reference,
    accessToken,
    statusUrl: deps.statusUrl(view.id, accessToken),
    deadlines: Procedure.deadlinesOf(view),
  });
  const now = deps.now ?? (() => new Date());
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        c.header('Connection', 'close');
        const issues = result.error.issues.map((i) => ({ path: path(i.path), message: plainMessage(i) }));
        return errorResponse(c, 400, issues[0]?.message ?? 'Ongeldige invoer.', issues);
      }
    },
  });

  // Decided from Content-Length where there is one, without asking for the body stream (#19).
  app.use(
    '*',
    bodyLimitByLength({
      maxSize: 1024 * 1024,
      onError: (c) => {
        // The rest of the body is not read: the connection cannot be reused.
        c.header('Connection', 'close');
        return errorResponse(c, 413, 'Het verzoek is te groot (meer dan 1 MB).');
      },
    }),
  );

  // Security headers on every answer, and form posts only from our own pages (web/guard.ts).
  const ownOrigins =
    deps.ownOrigins ??
    (() => {
      const origin = originOf(deps.statusUrl('id', 'token'));
      return origin ? [origin] : [];
    });
  app.use('*', securityHeaders(deps.formTargets ? { formTargets: deps.formTargets } : {}));
  app.use('*', formGuard({ origins: ownOrigins }));

  // Every text a client sends is stored in one form (NFC) and must be writable as UTF-8: a JSON
  // "\ud800" (half an emoji) is refused with its field, before any route sees it (issue 14: one
  // such name stopped the service at its next start).
  app.use('*', async (c, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(c.req.method) || !/json/i.test(c.req.header('content-type') ?? ''))
      return next();
    let parsed: unknown;
    try {
      parsed = JSON.parse(await c.req.text());
    } catch {
      return next(); // not JSON: the route's validator answers that
    }
    const { value, issues } = normalizeJson(parsed);
    if (issues.length)
      return errorResponse(
        c,
        400,
        issues[0]?.message ?? LONE_SURROGATE_MESSAGE,
        issues.map((i) => ({ path: path(i.path), message: i.message })),
      );
    // The routes read the body through Hono's cache: hand them the normalised text.
    // (Hono keeps promises there, though its type says otherwise.)
    c.req.bodyCache = { text: Promise.resolve(JSON.stringify(value)) } as unknown as typeof c.req.bodyCache;
    return next();
  });

  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err.status, err.message, err.issues);
    // An answer sent before the body was read leaves the rest unread: the connection cannot be reused.
    if (err instanceof HTTPException || err instanceof SyntaxError) c.header('Connection', 'close');
    if (err instanceof HTTPException) {
      const status = err.status as 400;
      return errorResponse(
        c,
        status === 400 || status === 413 ? status : 400,
        err.status === 400 ? 'Het verzoek is geen geldige JSON.' : err.message,
      );
    }
    if (err instanceof SyntaxError) return errorResponse(c, 400, 'Het verzoek is geen geldige JSON.');
    if (err instanceof DomainError) {
      const issues = err.path.length ? [{ path: path(err.path), message: err.message }] : [];
      if (err instanceof NotFoundError) return errorResponse(c, 404, err.message);
      if (err instanceof ConflictError) return errorResponse(c, 409, err.message, issues);
      if (err instanceof ForbiddenError) return errorResponse(c, err.status, err.message);
      if (err instanceof UnprocessableError)
        return errorResponse(
          c,
          422,
          err.message,
          // Each field with its own message, where the domain gave them (the first is `path`'s).
          err.more.length ? err.more.map((m) => ({ path: path(m.path), message: m.message })) : issues,
        );
      return errorResponse(c, 422, err.message, issues);
    }
    if (deps.reportError) deps.reportError(err);
    else console.error('klachtflow api:', err);
    return errorResponse(
      c,
      503,
      'Er ging iets mis aan onze kant. Probeer het later opnieuw; uw gegevens zijn niet verloren.',
    );
  });
  app.notFound((c) => errorResponse(c, 404, 'Deze pagina of route bestaat niet.'));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  const officer = async (c: Context): Promise<Caller & { kind: 'officer' }> => {
    const who = await deps.officer(c);
    if (!who) throw new ForbiddenError('Log in als medewerker.', 401);
    return { kind: 'officer', sub: who.sub, roles: who.roles };
  };

  // A complaint about an officer's own role (OCO: about the coordinator) is handled by someone
  // else; the person complained about gets the inspection copy only, and never sees it in the
  // worklist (routes below). One extra read per officer request, where the regulation has such a rule.
  const aboutRules = reg.conflictOfInterest.some((r) => r.when === 'complaint-about-role');
  const RESPONDENT_KEY = 'kfRespondent';
  const respondentGuard = async (c: Context, next: () => Promise<void>) => {
    const id = c.req.param('id');
    if (!aboutRules || !id || !/^[0-9a-z]{26}$/.test(id)) return next();
    const who = await deps.officer(c);
    if (!who) return next();
    const view = await deps.store.load(id);
    if (!view || !isRespondent(reg, view.received.aboutRole, who.roles)) return next();
    if (c.req.method === 'GET' && c.req.path === `/dossiers/${id}/export`) {
      c.set(RESPONDENT_KEY as never, true as never);
      return next();
    }
    const rule = reg.conflictOfInterest.find(
      (r) => r.when === 'complaint-about-role' && r.role === view.received.aboutRole,
    );
    const handler = reg.roles.find((r) => r.id === rule?.routeTo)?.title ?? 'een collega';
    return errorResponse(
      c,
      403,
      `Deze klacht gaat over u. ${handler} behandelt haar. U kunt het dossier inzien via de inzage (GET /dossiers/${id}/export).`,
    );
  };
  // Only where the regulation has such a rule: elsewhere the guard passes every request (#19).
  if (aboutRules) {
    app.use('/dossiers/:id', respondentGuard as never);
    app.use('/dossiers/:id/*', respondentGuard as never);
  }
  const isRespondentRead = (c: Context) => (c.get as (k: string) => unknown)(RESPONDENT_KEY) === true;

  // --- complainant ------------------------------------------------------------------------
  app.openapi(
    createRoute({
      method: 'post',
      path: '/complaints',
      summary: 'Een klacht indienen',
      request: {
        body: { content: { 'application/json': { schema: ComplaintBody } }, required: true },
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
      },
      responses: { 201: json(Created, 'Klacht ontvangen'), ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      const address = clientAddress(c);
      const run = async (record?: (response: z.infer<typeof Created>) => { key: string; response: unknown }) => {
        // Anyone can make the organisation mail any address: limited per caller and per address
        // (a repeated Idempotency-Key gives its first answer without counting again).
        // Both limits in the dossier's own write (#19).
        const at = now();
        const { complaintsPerCaller: byCaller, complaintsPerAddress: byAddress } = limits;
        const email = body.complainant.email?.trim().toLowerCase();
        const hashed = email && createHash('sha256').update(email).digest('base64url');
        const checks = [
          ...(address
            ? [
                {
                  key: `complaints-from#${address}`,
                  windowSeconds: byCaller.seconds,
                  limit: byCaller.count,
                  who: 'caller',
                },
              ]
            : []),
          ...(hashed
            ? [
                {
                  key: `complaints-to#${hashed}`,
                  windowSeconds: byAddress.seconds,
                  limit: byAddress.count,
                  who: 'email',
                },
              ]
            : []),
        ];
        // Counted in the write that stores the complaint (#19): a complaint refused at a limit
        // stores nothing and counts nowhere; one refused as invalid (422) counts nowhere either,
        // as it sends no mail.
        try {
          const { view, accessToken } = await procedure.register(body, 'web', 'complainant', undefined, {
            ...(record ? { idempotency: (v: DossierView, token: string) => record(created(v, token)) } : {}),
            ...(checks.length ? { limits: { checks, now: at } } : {}),
          });
          return created(view, accessToken);
        } catch (e) {
          if (!(e instanceof LimitReachedError)) throw e;
          if (checks[e.position]?.who === 'caller')
            throw new ApiError(
              429,
              'Er zijn vanaf dit adres veel klachten tegelijk ingediend. Probeer het over een uur opnieuw, of bel ons.',
            );
          throw new ApiError(
            429,
            'Met dit e-mailadres zijn vandaag al veel klachten ingediend. Probeer het morgen opnieuw, of bel ons.',
            [{ path: 'complainant.email', message: 'te vaak vandaag' }],
          );
        }
      };
      return c.json(await idempotent(key, body, run), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/complaints/link',
      summary: 'Een nieuwe persoonlijke link, gemaild naar het adres van de klacht',
      request: {
        body: {
          content: {
            'application/json': {
              schema: z.object({ reference: z.string().max(40), email: z.string().max(254) }).strict(),
            },
          },
          required: true,
        },
      },
      responses: {
        202: json(z.object({ message: z.string() }), 'Altijd hetzelfde antwoord'),
        429: {
          description: 'Te vaak geprobeerd vanaf dit adres',
          content: { 'application/json': { schema: ErrorBody } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { reference, email } = c.req.valid('json');
      // Someone trying reference and address pairs from one place is stopped there; the
      // procedure limits per reference too. Neither answer tells whether the details matched.
      const address = clientAddress(c);
      if (address && !(await deps.store.withinLimit(`link-from#${address}`, deps.now?.() ?? new Date(), 3600, 20)))
        throw new ApiError(429, 'U heeft het te vaak geprobeerd. Probeer het over een uur opnieuw, of bel ons.');
      // The link comes from configuration: a forged Host header cannot send it elsewhere. The
      // work (look up, limits, token, mail) happens after the answer: the answer's timing says
      // nothing about whether the reference and address matched.
      const work = () =>
        procedure.renewAccess(reference, email, deps.statusUrl).catch((e) => {
          if (deps.reportError) deps.reportError(e);
          else console.error('klachtflow api: lost link', e);
        });
      if (deps.afterAnswer) deps.afterAnswer(work);
      else await Promise.all([work(), new Promise((r) => setTimeout(r, LINK_ANSWER_FLOOR_MS))]);
      return c.json(
        {
          message:
            'Als het kenmerk en het e-mailadres bij een klacht horen, sturen wij een nieuwe link naar dat adres.',
        },
        202,
      );
    },
  );

  const complainantRoute = <B extends z.ZodType>(suffix: string, summary: string, body: B) =>
    createRoute({
      method: 'post',
      path: `/complaints/{id}${suffix}`,
      summary,
      security: bearer,
      request: { params: Id, body: { content: { 'application/json': { schema: body } }, required: true } },
      responses: { 200: json(z.any(), 'De klacht'), ...errors },
    });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/complaints/{id}',
      summary: 'De stand van uw klacht',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(z.any(), 'De klacht'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const view = await procedure.authoriseComplainant(id, bearerToken(c));
      return c.json(
        complainantView(reg, view, procedure.availableActions(view, { kind: 'complainant', dossierId: id })),
        200,
      );
    },
  );

  const Message = z.object({ text: z.string().trim().min(1, 'Schrijf uw bericht.').max(50_000) }).strict();
  app.openapi(complainantRoute('/messages', 'Informatie toevoegen', Message), async (c) => {
    const { id } = c.req.valid('param');
    await procedure.authoriseComplainant(id, bearerToken(c));
    const view = await procedure.addMessage(id, (c.req.valid('json') as z.infer<typeof Message>).text);
    return c.json(complainantView(reg, view, []), 200);
  });

  const Withdraw = z.object({ reason: z.string().max(5000).optional() }).strict();
  app.openapi(complainantRoute('/withdraw', 'De klacht intrekken', Withdraw), async (c) => {
    const { id } = c.req.valid('param');
    await procedure.authoriseComplainant(id, bearerToken(c));
    const view = await procedure.withdraw(id, (c.req.valid('json') as z.infer<typeof Withdraw>).reason);
    return c.json(complainantView(reg, view, []), 200);
  });

  // The complainant's own answer after closure: yes or no, and an optional remark. A later answer
  // replaces an earlier one (procedure/complainant-actions.ts says why); before closure 409.
  const Satisfaction = z
    .object({
      satisfied: z.boolean({ error: 'Kies ja (true) of nee (false): bent u tevreden over de behandeling?' }),
      remark: z.string().max(2000, 'Schrijf hooguit 2000 tekens.').optional(),
    })
    .strict();
  app.openapi(
    complainantRoute('/satisfaction', 'Zeggen of u tevreden bent (na afsluiting)', Satisfaction),
    async (c) => {
      const { id } = c.req.valid('param');
      await procedure.authoriseComplainant(id, bearerToken(c));
      const view = await procedure.answerSatisfaction(id, c.req.valid('json') as z.infer<typeof Satisfaction>);
      return c.json(complainantView(reg, view, []), 200);
    },
  );

  const Escalate = z.object({ to: z.string().max(100).optional() }).strict();
  app.openapi(complainantRoute('/escalate', 'Naar de volgende stap van de ladder', Escalate), async (c) => {
    const { id } = c.req.valid('param');
    await procedure.authoriseComplainant(id, bearerToken(c));
    await procedure.escalate(id, (c.req.valid('json') as z.infer<typeof Escalate>).to);
    const view = await procedure.authoriseComplainant(id, bearerToken(c));
    return c.json(complainantView(reg, view, []), 200);
  });

  // --- officers ---------------------------------------------------------------------------
  // An officer records a complaint that came by phone, letter, in person or through an employee.
  const Recorded = z
    .object({
      ...complaintFields,
      channel: z.enum(['phone', 'letter', 'in-person', 'email', 'employee']),
      receivedAt: z.iso.datetime({
        offset: true,
        error: 'Vul het tijdstip van ontvangst in (ISO 8601), bijvoorbeeld 2026-09-01T10:30:00+02:00.',
      }),
      takenBy: z.string().trim().max(200).optional(),
      transcript: z.string().max(50_000).optional(),
    })
    .strict()
    .refine(reachable, reachableIssue)
    .openapi('RecordedComplaint');
  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers',
      summary: 'Een klacht vastleggen die per telefoon, brief of persoonlijk binnenkwam',
      security: bearer,
      request: {
        body: { content: { 'application/json': { schema: Recorded } }, required: true },
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
      },
      responses: { 201: json(Created, 'Klacht vastgelegd'), ...errors },
    }),
    async (c) => {
      const caller = await officer(c);
      const key = c.req.valid('header')['idempotency-key'];
      const { channel, receivedAt, takenBy, transcript, ...body } = c.req.valid('json') as z.infer<
        typeof ComplaintBody
      > & { channel: string; receivedAt: string; takenBy?: string; transcript?: string };
      const body_ = c.req.valid('json');
      const run = async () => {
        const { view, accessToken } = await procedure.register(body, channel, caller.sub, receivedAt, {
          ...(takenBy ? { takenBy } : {}),
          ...(transcript?.trim() ? { transcript } : {}),
        });
        // The complainant did not fill in the form, so never saw the private link: it goes to
        // their e-mail address, or the officer hands it over (the answer carries it once).
        await procedure.sendAccessLink(view, accessToken, deps.statusUrl);
        return {
          id: view.id,
          reference: view.reference,
          accessToken,
          statusUrl: deps.statusUrl(view.id, accessToken),
          deadlines: Procedure.deadlinesOf(view),
        };
      };
      return c.json(await idempotent(key, body_, run), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/dossiers',
      summary: 'Werklijst: open dossiers, dichtstbijzijnde termijn eerst',
      security: bearer,
      request: {
        query: z.object({
          role: z.string().max(100).optional(),
          rung: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
          cursor: z.string().max(2000).optional(),
        }),
      },
      responses: {
        200: json(z.object({ items: z.array(z.any()), next: z.string().nullable() }), 'Werklijst'),
        ...errors,
      },
    }),
    async (c) => {
      const caller = await officer(c);
      const q = c.req.valid('query');
      let page: Awaited<ReturnType<DossierStore['worklist']>>;
      try {
        page = await deps.store.worklist({ regulationId: reg.id, ...q });
      } catch (e) {
        if (q.cursor && (e instanceof SyntaxError || (e as Error).name === 'ValidationException')) {
          throw new ApiError(400, 'De cursor klopt niet.', [{ path: 'cursor', message: 'ongeldig' }]);
        }
        throw e;
      }
      // The person a complaint is about does not find it among their work.
      if (aboutRules)
        page = {
          ...page,
          items: page.items.filter((i) => !isRespondent(reg, i.aboutRole as string | undefined, caller.roles)),
        };
      return c.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/dossiers/{id}',
      summary: 'Een dossier met tijdlijn, termijnen, brieven en mogelijke acties',
      security: bearer,
      request: { params: Id, query: z.object({ fields: fieldsSchema(Object.keys(DOSSIER_FIELDS)) }) },
      responses: { 200: json(z.any(), 'Dossier (met `fields` alleen die velden)'), ...errors },
    }),
    async (c) => {
      const caller = await officer(c);
      const { id } = c.req.valid('param');
      // The events once: their fold is the view, and they are the history in words.
      const read = await deps.store.history(id);
      if (!read) throw new NotFoundError('Dit dossier bestaat niet.');
      const { view, events } = read;
      // Every read by an officer is recorded (who, when, what) and shown on the dossier, also
      // when only some fields are asked: the officer looked at the dossier all the same.
      await deps.store.recordRead(view.id, { by: caller.sub, at: now().toISOString(), what: 'dossier' });
      // Only the fields asked are made and written (answer-shape.ts): the whole answer is about
      // 16 KB of JSON, and a caller deciding what to do needs its actions only (#19). The log of
      // reads is a Query of its own: made only when the answer shows it (#19, session 15: 3.3
      // Queries a simulated complaint for officers who asked `availableActions`). The read itself
      // is recorded above all the same.
      const fields = c.req.valid('query').fields;
      const asked = fields?.split(',').map((s) => s.trim());
      const reads =
        !asked || asked.includes('reads') || asked.includes('readsMore') ? await deps.store.reads(view.id) : undefined;
      return c.json(pick(DOSSIER_FIELDS, { reg, view, procedure, caller, events, reads }, fields), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers/{id}/actions',
      summary: 'Een actie op de huidige stap',
      security: bearer,
      request: {
        params: Id,
        headers: PreferHeader,
        body: { content: { 'application/json': { schema: ActionBody } }, required: true },
      },
      responses: { 200: json(z.any(), 'Dossier na de actie'), ...MINIMAL_RESPONSE, ...errors },
    }),
    async (c) => {
      const caller = await officer(c);
      const id = c.req.valid('param').id;
      // The action ends on the view its own last append made (the decision, then its letters
      // recorded as sent: Core.mutate answers the view after delivering), which is the dossier as
      // it stood at that conditional write: answered as it is, without reading it back (#19: that
      // read was 2.75 Queries a complaint). What another writer (the ladder's next step) records
      // after it is not in the answer, as it was not when it wrote a moment after the read.
      const view = await procedure.act(id, caller, c.req.valid('json'));
      return dossierAnswer(c, view, caller);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers/{id}/registration',
      summary: 'Het registratieformulier invullen (ook na afsluiting)',
      security: bearer,
      request: {
        params: Id,
        headers: PreferHeader,
        body: {
          content: {
            'application/json': {
              schema: z.object({ answers: z.record(z.string().max(100), z.string().max(5000)) }).strict(),
            },
          },
          required: true,
        },
      },
      responses: { 200: json(z.any(), 'Dossier na het invullen'), ...MINIMAL_RESPONSE, ...errors },
    }),
    async (c) => {
      const caller = await officer(c);
      const id = c.req.valid('param').id;
      const view = await procedure.answerRegistration(id, caller, c.req.valid('json').answers);
      return dossierAnswer(c, view, caller);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers/{id}/letters/{letterId}/resend',
      summary: 'Een brief die niet aankwam opnieuw versturen, naar een verbeterd e-mailadres van de klager',
      security: bearer,
      request: {
        params: Id.extend({ letterId: z.string().min(1).max(300) }),
        headers: PreferHeader,
        body: {
          content: {
            'application/json': {
              schema: z
                .object({
                  // Trimmed first: an address copied from notes of a phone call has spaces around it.
                  email: z
                    .string()
                    .trim()
                    .max(254)
                    .pipe(z.email({ error: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.' })),
                })
                .strict(),
            },
          },
          required: true,
        },
      },
      responses: {
        200: json(z.any(), 'Dossier met het nieuwe adres en de brief opnieuw verstuurd'),
        ...MINIMAL_RESPONSE,
        ...errors,
      },
    }),
    async (c) => {
      const caller = await officer(c);
      const { id, letterId } = c.req.valid('param');
      const view = await procedure.with(resendLetter, id, caller, { letterId, email: c.req.valid('json').email });
      return dossierAnswer(c, view, caller);
    },
  );

  const Improvement = z
    .object({
      action: z.string().trim().min(1, 'Beschrijf de verbeteractie.').max(5000),
      owner: z.string().max(100),
      due: IsoDate,
    })
    .strict();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers/{id}/improvements',
      summary: 'Een verbeteractie in het verbeterregister',
      security: bearer,
      request: {
        params: Id,
        headers: PreferHeader,
        body: { content: { 'application/json': { schema: Improvement } }, required: true },
      },
      responses: { 200: json(z.any(), 'Dossier met de verbeteractie'), ...MINIMAL_RESPONSE, ...errors },
    }),
    async (c) => {
      const caller = await officer(c);
      const view = await procedure.addImprovement(c.req.valid('param').id, caller, c.req.valid('json'));
      return dossierAnswer(c, view, caller);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers/{id}/improvements/{improvementId}',
      summary: 'De stand van een verbeteractie',
      security: bearer,
      request: {
        params: Id.extend({ improvementId: z.string().regex(/^v\d{1,4}$/, 'Onbekende verbeteractie.') }),
        headers: PreferHeader,
        body: {
          content: {
            'application/json': {
              schema: z
                .object({ status: z.enum(['open', 'in-progress', 'done']), note: z.string().max(5000).optional() })
                .strict(),
            },
          },
          required: true,
        },
      },
      responses: { 200: json(z.any(), 'Dossier met de bijgewerkte actie'), ...MINIMAL_RESPONSE, ...errors },
    }),
    async (c) => {
      const caller = await officer(c);
      const { id, improvementId } = c.req.valid('param');
      const body = c.req.valid('json');
      const view = await procedure.updateImprovement(id, caller, improvementId, body.status, body.note);
      return dossierAnswer(c, view, caller);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/reports',
      summary: 'Rapportage over een periode (anoniem)',
      security: bearer,
      request: {
        query: z.object({
          from: IsoDate,
          to: IsoDate,
          format: z.enum(['json', 'csv', 'html']).optional(),
        }),
      },
      responses: { 200: json(z.any(), 'De rapportage'), ...errors },
    }),
    async (c) => {
      await officer(c);
      const q = c.req.valid('query');
      if (q.to < q.from)
        throw new ApiError(400, 'De einddatum ligt voor de begindatum.', [{ path: 'to', message: 'voor from' }]);
      const ids = await deps.store.receivedBetween(reg.id, q.from, q.to);
      const views = (await Promise.all(ids.map((id) => deps.store.load(id)))).filter((v) => v !== undefined);
      const report = buildReport(reg, views, { from: q.from, to: q.to }, localDate(now().toISOString()).toString());
      if (q.format === 'csv')
        return c.body(reportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8' }) as never;
      if (q.format === 'html') {
        documentPolicy(c);
        return c.html(reportHtml(report)) as never;
      }
      return c.json(report, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/improvements',
      summary: 'Het verbeterregister: alle verbeteracties, vroegste datum eerst',
      security: bearer,
      request: { query: z.object({ status: z.enum(['open', 'in-progress', 'done']).optional() }) },
      responses: { 200: json(z.object({ items: z.array(z.any()) }), 'Het verbeterregister'), ...errors },
    }),
    async (c) => {
      await officer(c);
      const today = localDate(now().toISOString()).toString();
      // Bounded: the register of one regulation is one partition; a thousand open actions is a lot.
      const rows = await deps.store.improvements(reg.id, { ...c.req.valid('query'), limit: 1000 });
      const items = rows.map((r) => ({
        ...r,
        ownerTitle: reg.roles.find((x) => x.id === r.owner)?.title ?? r.owner,
        overdue: r.status !== 'done' && r.due < today,
      }));
      return c.json({ items }, 200);
    },
  );

  // Blameworthy conduct of an employee: a note for the manager (or director) only.
  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers/{id}/conduct-notes',
      summary: 'Verwijtbaar handelen vastleggen: alleen de leidinggevende leest het',
      security: bearer,
      request: {
        params: Id,
        body: {
          content: {
            'application/json': {
              schema: z
                .object({ text: z.string().trim().min(1, 'Beschrijf wat er volgens u verwijtbaar was.').max(20_000) })
                .strict(),
            },
          },
          required: true,
        },
      },
      responses: { 201: json(z.object({ noteId: z.string() }), 'Vastgelegd'), ...errors },
    }),
    async (c) => {
      const caller = await officer(c);
      return c.json(await procedure.noteConduct(c.req.valid('param').id, caller, c.req.valid('json').text), 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/dossiers/{id}/conduct-notes',
      summary: 'Aantekeningen over verwijtbaar handelen (alleen de leidinggevende)',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(z.object({ items: z.array(z.any()) }), 'De aantekeningen'), ...errors },
    }),
    async (c) => {
      const caller = await officer(c);
      const view = await deps.store.load(c.req.valid('param').id);
      if (!view) throw new NotFoundError('Dit dossier bestaat niet.');
      const items = procedure.conductNotesOf(view, caller);
      // A read of these notes is recorded like any other, under its own name.
      if (items.length > 0)
        await deps.store.recordRead(view.id, {
          by: caller.sub,
          at: now().toISOString(),
          what: 'verwijtbaar handelen',
        });
      return c.json({ items }, 200);
    },
  );

  const exportRoute = (path: '/dossiers/{id}/export' | '/complaints/{id}/export', summary: string) =>
    createRoute({
      method: 'get',
      path,
      summary,
      security: bearer,
      request: { params: Id, query: z.object({ format: z.enum(['json', 'html']).optional() }) },
      responses: { 200: json(z.any(), 'Het dossier'), ...errors },
    });
  /**
   * The whole dossier as a readable document and as JSON (Awb 9:9 inspection, GDPR access): the
   * complaint, what happened in words, the terms with their explanation, the letters. The
   * complainant's copy names officers as "een medewerker"; the officers' copy names who did what.
   */
  const exported = async (
    c: Context,
    view: DossierView,
    reader: 'officer' | 'complainant' | 'respondent',
    format?: 'json' | 'html',
  ) => {
    const { accessTokenHash: _h, ...all } = view.received;
    // The respondent's copy (inzage) leaves out how to reach the complainant: they need what was
    // said and done, not the address (GDPR art. 5(1)(c), data minimisation; an assumption).
    const received = reader === 'respondent' ? { ...all, complainant: { name: all.complainant.name } } : all;
    const history = timeline(reg, await deps.store.events(view.id)).map((h) =>
      reader === 'complainant' && h.who !== 'de klager' && h.who !== 'klachtflow' ? { ...h, who: 'een medewerker' } : h,
    );
    const doc = {
      reference: view.reference,
      organisation: reg.organisation.name,
      received,
      status: view.status,
      closed: view.closed ?? null,
      history,
      steps: view.ended,
      deadlines: Procedure.deadlinesOf(view),
      letters: view.letters.map(({ html: _x, ...l }) =>
        reader === 'respondent' ? { ...l, to: [], undeliverable: [] } : l,
      ),
    };
    if (format !== 'html') return c.json(doc, 200);
    documentPolicy(c);
    const esc = escapeHtml;
    const title = `Dossier ${view.reference} - ${reg.organisation.name}`;
    return c.html(
      `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head><body style="font-family: sans-serif; max-width: 48rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.5">` +
        `<h1>${esc(title)}</h1><p>Ontvangen op ${esc(dayOf(view.received.receivedAt))} van ${esc(view.received.complainant.name)}. ${
          view.status === 'closed'
            ? `Gesloten op ${esc(dayOf(view.closed?.at ?? view.received.receivedAt))}.`
            : 'De klacht loopt nog.'
        }</p>` +
        `<h2>De klacht</h2><blockquote style="white-space: pre-wrap">${esc(view.received.description)}</blockquote>` +
        `<h2>Wat er gebeurde</h2><ul>${history.map((h) => `<li>${esc(dayOf(h.at))} (${esc(h.who)}): ${esc(h.text)}</li>`).join('')}</ul>` +
        `<h2>Termijnen</h2><ul>${view.deadlines.map((d) => `<li>${esc(d.title)}: uiterlijk ${esc(dayOf(d.dueAt))} (${esc(DEADLINE_STATUS_NL[d.status] ?? d.status)}). ${esc(d.explanation.text)}</li>`).join('')}</ul>` +
        `<h2>Brieven</h2>${view.letters.map((l) => `<h3>${esc(l.subject)}</h3><pre style="white-space: pre-wrap; font: inherit">${esc(l.text)}</pre>`).join('')}</body></html>`,
    ) as never;
  };
  app.openapi(
    exportRoute('/dossiers/{id}/export', 'Het dossier ter inzage (medewerker, ook voor de beklaagde)'),
    async (c) => {
      const caller = await officer(c);
      const view = await deps.store.load(c.req.valid('param').id);
      if (!view) throw new NotFoundError('Dit dossier bestaat niet.');
      const respondent = isRespondentRead(c);
      await deps.store.recordRead(view.id, {
        by: caller.sub,
        at: now().toISOString(),
        what: respondent ? 'inzage beklaagde' : 'export',
      });
      return exported(c, view, respondent ? 'respondent' : 'officer', c.req.valid('query').format);
    },
  );
  app.openapi(exportRoute('/complaints/{id}/export', 'Uw dossier ter inzage'), async (c) => {
    const { id } = c.req.valid('param');
    const view = await procedure.authoriseComplainant(id, bearerToken(c));
    return exported(c, view, 'complainant', c.req.valid('query').format);
  });

  registerInboundRoutes(app, {
    procedure,
    store: deps.store,
    ...(deps.inbound ? { inbound: deps.inbound } : {}),
    ...(deps.attachments ? { attachments: deps.attachments } : {}),
    officer,
    now,
    dossierAnswer,
  });

  // The pages people use, on the same app: they call the routes above in-process, through a
  // client that refuses paths the URL parser would change (an encoded '../' in a page address).
  const pagesApi = guardedApi(app);
  registerAssets(app);
  registerComplainantPages(app, { reg, api: pagesApi, link: deps.statusUrl });
  registerOfficerPages(app, {
    reg,
    api: pagesApi,
    now: deps.now ?? (() => new Date()),
    // The pages wait (bounded) for the ladder to take an action before they show the dossier.
    settle: async (id) => {
      // Locally the runtime says when its ladders are at rest: a step klachtflow takes on a later
      // day (no token until the clock moves) no longer holds the page for the whole 4 s, nor any
      // step for the rest of a 100 ms look (#19: 31 waits of 105 to 190 ms in two browser files).
      let atRest = false;
      // Failing to tell (never expected) leaves the looks as in AWS.
      const rest = deps.ladderAtRest?.().then(
        () => {
          atRest = true;
        },
        () => new Promise<void>(() => undefined),
      );
      for (let i = 0; i < 40; i++) {
        const wasAtRest = atRest;
        const view = await deps.store.load(id);
        if (!view || view.status === 'closed' || view.current?.token || wasAtRest) return;
        await Promise.race([new Promise((r) => setTimeout(r, 100)), ...(rest ? [rest] : [])]);
      }
    },
    ...(deps.signIn ? { signIn: deps.signIn } : {}),
  });
  registerPostvakPages(app, { reg, api: pagesApi });

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: `klachtflow: ${reg.title}`,
      version: '1.0.0',
      description: `De API van de klachtenregeling van ${reg.organisation.name}.`,
    },
  });
  return app;
}
