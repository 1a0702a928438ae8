/**
 * The API's validators parse synchronously where a schema allows it (lambdas/api.ts `syncFirst`,
 * #19 session 17: zod's async parse never takes its compiled fast path). Held here to zod's own
 * async parse, which is what @hono/zod-validator called before: for every schema a registered
 * route validates a request against (read from the app's OpenAPI registry, so a new route is
 * covered), on valid requests and on fast-check mutations of them, the same success, the same data
 * (trimmed, defaulted, as zod makes it) and the same issues (paths and Dutch messages). A schema
 * with an async check still gets the async parse's answer.
 */

import { z } from '@hono/zod-openapi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApi } from '../lambdas/api.js';
import { SYNC_FIRST, syncFirst } from '../lambdas/sync-parse.js';
import { loadRegulation } from '../statemachines/load.js';
import { SANNE } from './support/sanne.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);

/** The schemas the app's routes validate requests against, by route and part. */
function requestSchemas(): [string, z.ZodType][] {
  const app = createApi({
    regulation: loadRegulation('ons-welzijn'),
    procedure: {} as never,
    store: {} as never,
    officer: async () => undefined,
    statusUrl: (id: string, token: string) => `http://127.0.0.1:1/klacht/${id}/${token}`,
  } as never);
  const found: [string, z.ZodType][] = [];
  for (const d of app.openAPIRegistry.definitions as { type: string; route?: any }[]) {
    if (d.type !== 'route') continue;
    const { method, path, request } = d.route;
    for (const part of ['params', 'query', 'headers', 'cookies'] as const)
      if (request?.[part] instanceof z.ZodType) found.push([`${method} ${path} ${part}`, request[part]]);
    for (const [type, media] of Object.entries(request?.body?.content ?? {}) as [string, any][])
      if (media?.schema instanceof z.ZodType) found.push([`${method} ${path} ${type}`, media.schema]);
  }
  return found;
}

/** Zod's own async parse, as @hono/zod-validator called it before (the prototype's method). */
const asZod = (schema: z.ZodType, value: unknown) => z.core.safeParseAsync(schema, value);

/** What a parse answers, comparable: the data, or the issues as the API words them. */
const outcome = (r: { success: boolean; data?: unknown; error?: { issues: unknown[] } }) =>
  r.success ? { success: true, data: r.data } : { success: false, issues: r.error?.issues };

/** Requests as clients send them, valid and nearly valid, for every kind of schema. */
const SAMPLES: unknown[] = [
  SANNE,
  { ...SANNE, complainant: { ...SANNE.complainant, name: '  Sanne  ', email: ' SANNE@example.nl ' } },
  { ...SANNE, description: ' \t ' },
  { ...SANNE, consent: false, role: 'onbekend' },
  { type: 'outcome', stepId: 'ontvangst', outcome: 'gegrond', note: 'Zie gesprek.' },
  { type: 'outcome', stepId: 'ontvangst', outcome: 'gegrond', contents: { maatregelen: 'x', termijn: '' } },
  { type: 'extend', stepId: 'behandeling', term: '4 weeks', reason: '  Advies van de commissie.  ' },
  { type: 'suspend', stepId: 'behandeling', ground: 'informatie', reason: 'wacht' },
  { type: 'resume', stepId: 'behandeling' },
  { id: '01jabcdefghjkmnpqrstvwxyz0' },
  { id: '01JABCDEFGHJKMNPQRSTVWXYZ0' },
  { id: 'kl-1', letterId: 'ontvangst' },
  { 'idempotency-key': 'abc', prefer: 'return=minimal', fields: 'id,status' },
  { 'idempotency-key': '' },
  { text: 'Een notitie.' },
  { message: 'Aanvulling.' },
  { satisfied: true, remark: ' ok ' },
  {},
];

/** A sample with one field replaced, removed or padded. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SAMPLES),
    fc.jsonValue({ maxDepth: 2 }),
    fc.nat(),
    fc.constantFrom('replace', 'delete', 'pad', 'nest'),
  )
  .map(([sample, value, at, how]) => {
    const copy = structuredClone(sample) as Record<string, unknown>;
    const keys = Object.keys(copy);
    const key = keys.length ? (keys[at % keys.length] as string) : 'x';
    if (how === 'replace') copy[key] = value;
    else if (how === 'delete') delete copy[key];
    else if (how === 'pad') copy[key] = typeof copy[key] === 'string' ? ` ${copy[key]} ` : value;
    else if (copy[key] && typeof copy[key] === 'object') (copy[key] as Record<string, unknown>).x = value;
    return copy;
  });

describe('sync-first validation answers as zod async parse', () => {
  const schemas = requestSchemas();

  it('covers every schema a route validates a request against', () => {
    // Precondition: the registry holds the routes this judges (the complaint body among them).
    expect(schemas.length).toBeGreaterThan(30);
    expect(schemas.some(([name]) => name === 'post /complaints application/json')).toBe(true);
    // Marked by syncFirst itself: zod binds its parse methods to a schema as own properties when
    // first read, so an own `safeParseAsync` would not tell.
    for (const [name, schema] of schemas) expect((schema as { [SYNC_FIRST]?: true })[SYNC_FIRST], name).toBe(true);
  });

  it('gives the same data and issues as the async parse, on valid and mutated requests', async () => {
    for (const [name, schema] of schemas)
      for (const sample of SAMPLES)
        expect(outcome(await schema.safeParseAsync(sample)), name).toStrictEqual(outcome(await asZod(schema, sample)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...schemas), fc.oneof(mutated, fc.jsonValue()), async ([, schema], value) => {
        expect(outcome(await schema.safeParseAsync(value))).toStrictEqual(outcome(await asZod(schema, value)));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('gives an async check its async answer', async () => {
    const known = new Set(['sanne@example.nl']);
    const schema = syncFirst(
      z.object({ email: z.string().trim() }).refine(async (v) => !known.has(v.email), {
        message: 'Dit adres is al bekend.',
        path: ['email'],
      }),
    );
    for (const email of ['sanne@example.nl', ' nieuw@example.nl '])
      expect(outcome(await schema.safeParseAsync({ email }))).toStrictEqual(outcome(await asZod(schema, { email })));
    expect((await schema.safeParseAsync({ email: 'sanne@example.nl' })).success).toBe(false);
  });
});
