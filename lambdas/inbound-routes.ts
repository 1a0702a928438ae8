/**
 * Officer routes for complaints by e-mail: the postvak (mail held for an officer, with the three
 * decisions: register as a complaint, add to a dossier, discard with a reason), the letter that
 * asks for missing fields, recording them once they came, and downloading a dossier's attachments.
 * Part of the same Hono app as lambdas/api.ts (and so of its OpenAPI document); every route here
 * is an officer's.
 */
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { MINIMAL_RESPONSE, PreferHeader } from './answer-shape.js';
import type { DossierView } from './domain/dossier.js';
import { NotFoundError } from './domain/errors.js';
import type { InboundMail } from './domain/inbound-mail.js';
import { HOLD_REASONS_NL } from './domain/inbound-mail.js';
import type { AttachmentStore, DossierStore, HeldMail } from './domain/ports.js';
import type { Caller, Procedure } from './domain/procedure.js';
import { toWellFormed } from './domain/text.js';
import { createRoute } from './sync-parse.js';

export interface InboundRouteDeps {
  procedure: Procedure;
  store: DossierStore;
  inbound?: InboundMail;
  attachments?: AttachmentStore;
  officer(c: Context): Promise<Caller & { kind: 'officer' }>;
  /** The time reads are recorded at (the runtime's clock locally). */
  now(): Date;
  /**
   * The answer with the officer's view of a dossier, as GET /dossiers/{id} gives it, or 204
   * without it where the request asked `Prefer: return=minimal` (answer-shape.ts).
   */
  dossierAnswer(c: Context, view: DossierView, caller: Caller): Response;
}

const ErrorBody = z.object({
  error: z.object({ message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })) }),
});
const errors = {
  400: { description: 'Ongeldige invoer', content: { 'application/json': { schema: ErrorBody } } },
  404: { description: 'Niet gevonden', content: { 'application/json': { schema: ErrorBody } } },
  409: { description: 'Er is al over beslist', content: { 'application/json': { schema: ErrorBody } } },
  422: { description: 'Niet mogelijk', content: { 'application/json': { schema: ErrorBody } } },
};
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const bearer = [{ bearer: [] }];
const HeldId = z.object({ id: z.string().regex(/^[0-9a-z]{1,14}-[0-9a-z_]{1,40}$/, 'Onbekende mail.') });
const DossierId = z.object({ id: z.string().regex(/^[0-9a-z]{26}$/, 'Onbekend dossier.') });
const Postcode = z.string().regex(/^\d{4}\s?[A-Za-z]{2}$/, 'Vul een postcode in zoals 1234 AB.');
const Address = z
  .object({
    street: z.string().trim().min(1).max(200).optional(),
    postcode: Postcode.optional(),
    city: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

/** A held mail as officers see it: the reasons in words. */
function heldJson(item: HeldMail) {
  return { ...item, reasonsText: item.reasons.map((r) => HOLD_REASONS_NL[r]) };
}

export function registerInboundRoutes(app: OpenAPIHono, deps: InboundRouteDeps): void {
  const inbound = (): InboundMail => {
    if (!deps.inbound) throw new NotFoundError('Klachten per e-mail staan voor deze organisatie niet aan.');
    return deps.inbound;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/inbound-mail',
      summary: 'Postvak: e-mails die op een medewerker wachten',
      security: bearer,
      request: { query: z.object({ status: z.enum(['held', 'registered', 'attached', 'discarded']).optional() }) },
      responses: { 200: json(z.object({ items: z.array(z.any()) }), 'Het postvak'), ...errors },
    }),
    async (c) => {
      await deps.officer(c);
      const items = await inbound().list(c.req.valid('query').status);
      return c.json({ items: items.map(heldJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/inbound-mail/{id}',
      summary: 'Een mail uit het postvak',
      security: bearer,
      request: { params: HeldId },
      responses: { 200: json(z.any(), 'De mail'), ...errors },
    }),
    async (c) => {
      await deps.officer(c);
      return c.json(heldJson(await inbound().get(c.req.valid('param').id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/inbound-mail/{id}/raw',
      summary: 'De oorspronkelijke mail (message/rfc822)',
      security: bearer,
      request: { params: HeldId },
      responses: { 200: { description: 'De mail zoals hij binnenkwam' }, ...errors },
    }),
    async (c) => {
      await deps.officer(c);
      const bytes = await inbound().raw(c.req.valid('param').id);
      return c.body(Buffer.from(bytes), 200, {
        'content-type': 'message/rfc822',
        'content-disposition': 'attachment; filename="mail.eml"',
        'x-content-type-options': 'nosniff',
      }) as never;
    },
  );

  const Register = z
    .object({
      name: z.string().trim().min(1).max(200).optional(),
      email: z.email({ error: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.' }).max(254).optional(),
      phone: z
        .string()
        .regex(/^[+0-9 ()-]{6,20}$/, 'Vul een telefoonnummer in, bijvoorbeeld 0612345678.')
        .optional(),
      address: Address.optional(),
      description: z.string().trim().min(1).max(50_000).optional(),
      role: z.string().max(100).optional(),
      variant: z.string().max(100).optional(),
    })
    .strict()
    .openapi('HeldRegistration');
  app.openapi(
    createRoute({
      method: 'post',
      path: '/inbound-mail/{id}/register',
      summary: 'Een mail uit het postvak vastleggen als klacht (ontvangen op het moment van de mail)',
      security: bearer,
      request: { params: HeldId, body: { content: { 'application/json': { schema: Register } }, required: true } },
      responses: {
        201: json(
          z.object({ dossierId: z.string(), reference: z.string(), incomplete: z.array(z.string()) }),
          'Klacht vastgelegd',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const caller = await deps.officer(c);
      const r = await inbound().registerHeld(c.req.valid('param').id, caller, c.req.valid('json'));
      return c.json({ dossierId: r.dossierId, reference: r.reference, incomplete: r.incomplete }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/inbound-mail/{id}/attach',
      summary: 'Een mail uit het postvak toevoegen aan een dossier, als bericht van de klager',
      security: bearer,
      request: {
        params: HeldId,
        headers: PreferHeader,
        body: {
          content: {
            'application/json': {
              schema: z.object({ reference: z.string().trim().min(1, 'Vul het kenmerk in.').max(40) }).strict(),
            },
          },
          required: true,
        },
      },
      responses: { 200: json(z.any(), 'Het dossier'), ...MINIMAL_RESPONSE, ...errors },
    }),
    async (c) => {
      const caller = await deps.officer(c);
      const view = await inbound().attachHeld(c.req.valid('param').id, caller, c.req.valid('json').reference);
      return deps.dossierAnswer(c, view, caller);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/inbound-mail/{id}/discard',
      summary: 'Een mail uit het postvak terzijde leggen, met een reden (het bericht blijft bewaard)',
      security: bearer,
      request: {
        params: HeldId,
        body: {
          content: {
            'application/json': {
              schema: z
                .object({
                  reason: z.string().trim().min(1, 'Geef de reden waarom deze mail geen klacht is.').max(5000),
                })
                .strict(),
            },
          },
          required: true,
        },
      },
      responses: { 200: json(z.any(), 'De mail met de beslissing'), ...errors },
    }),
    async (c) => {
      const caller = await deps.officer(c);
      const item = await inbound().discardHeld(c.req.valid('param').id, caller, c.req.valid('json').reason);
      return c.json(heldJson(item), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers/{id}/missing-information',
      summary: 'De klager per brief vragen om de gegevens die ontbreken (Awb 4:5)',
      security: bearer,
      request: {
        params: DossierId,
        headers: PreferHeader,
        body: {
          content: { 'application/json': { schema: z.object({ note: z.string().max(5000).optional() }).strict() } },
          required: true,
        },
      },
      responses: { 200: json(z.any(), 'Het dossier met de brief'), ...MINIMAL_RESPONSE, ...errors },
    }),
    async (c) => {
      const caller = await deps.officer(c);
      const view = await deps.procedure.askForMissing(c.req.valid('param').id, caller, c.req.valid('json').note);
      return deps.dossierAnswer(c, view, caller);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/dossiers/{id}/intake',
      summary: 'De ontbrekende gegevens vastleggen die de klager stuurde',
      security: bearer,
      request: {
        params: DossierId,
        headers: PreferHeader,
        body: {
          content: {
            'application/json': {
              schema: z
                .object({
                  complainant: z
                    .object({
                      name: z.string().trim().min(1).max(200).optional(),
                      email: z.email().max(254).optional(),
                      phone: z
                        .string()
                        .regex(/^[+0-9 ()-]{6,20}$/, 'Vul een telefoonnummer in, bijvoorbeeld 0612345678.')
                        .optional(),
                      address: Address.optional(),
                    })
                    .strict(),
                  description: z.string().trim().min(1).max(50_000).optional(),
                })
                .strict(),
            },
          },
          required: true,
        },
      },
      responses: { 200: json(z.any(), 'Het dossier'), ...MINIMAL_RESPONSE, ...errors },
    }),
    async (c) => {
      const caller = await deps.officer(c);
      const body = c.req.valid('json');
      const view = await deps.procedure.completeIntake(c.req.valid('param').id, caller, {
        complainant: body.complainant,
        ...(body.description ? { description: body.description } : {}),
      });
      return deps.dossierAnswer(c, view, caller);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/dossiers/{id}/attachments/{sha256}',
      summary: 'Een bijlage van het dossier downloaden',
      security: bearer,
      request: { params: DossierId.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'Onbekende bijlage.') }) },
      responses: { 200: { description: 'De bijlage' }, ...errors },
    }),
    async (c) => {
      const caller = await deps.officer(c);
      const { id, sha256 } = c.req.valid('param');
      const view = await deps.store.load(id);
      // Only a file this dossier names: the hash alone is no permission.
      const meta = view?.attachments?.find((a) => a.sha256 === sha256);
      if (!view || !meta) throw new NotFoundError('Deze bijlage bestaat niet.');
      const bytes = await deps.attachments?.get(meta.key);
      if (!bytes) throw new NotFoundError('Deze bijlage is niet meer bewaard.');
      await deps.store.recordRead(id, { by: caller.sub, at: deps.now().toISOString(), what: `bijlage ${sha256}` });
      const ascii = meta.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      return c.body(Buffer.from(bytes), 200, {
        // Served as a download, never rendered: a complainant's HTML file must not run in our origin.
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(toWellFormed(meta.filename))}`,
        'x-content-type-options': 'nosniff',
      }) as never;
    },
  );
}
