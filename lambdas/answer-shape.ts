/**
 * How much of the dossier an officer's request gets back (#19, session 14): all of it unless the
 * caller says it needs less.
 *
 * - `Prefer: return=minimal` (RFC 7240, section 4.2) on a route that changes a dossier: the change
 *   is made exactly as without it, and the answer is 204 without the dossier, with
 *   `Preference-Applied: return=minimal`. The officer's pages post a form and then show the dossier
 *   after a redirect, so the dossier in the answer (about 16 KB of JSON) was made and thrown away.
 *   A refusal keeps its JSON error with message and field paths.
 * - `GET /dossiers/{id}?fields=a,b`: only those top-level fields of the whole answer, each with the
 *   value the whole answer gives it (sparse fieldsets, as JSON:API and many APIs offer). The read
 *   is recorded as for the whole answer: the officer looked at the dossier.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';

/** Whether the request's `Prefer` header(s) ask for `return=minimal` (names and values case-insensitive, RFC 7240 section 2). */
export function prefersMinimal(c: Context): boolean {
  const prefer = c.req.header('prefer');
  if (!prefer) return false;
  // Several preferences, comma-separated (several Prefer headers arrive joined by commas); each
  // `token [= value] *( ; parameter )`, the value possibly quoted.
  for (const preference of prefer.split(',')) {
    const [name, value] = (preference.split(';')[0] ?? '').split('=').map((s) => s.trim().toLowerCase());
    if (name === 'return' && value?.replace(/^"(.*)"$/, '$1') === 'minimal') return true;
  }
  return false;
}

/** The answer to a change made with `Prefer: return=minimal`: no content, the preference applied. */
export function minimalAnswer(c: Context) {
  return c.body(null, 204, { 'Preference-Applied': 'return=minimal' });
}

/** The request header, as the OpenAPI document describes it (validated: at most a line of text). */
export const PreferHeader = z.object({
  prefer: z.string().max(1000).optional().openapi({
    description:
      'RFC 7240: `return=minimal` voert de wijziging gewoon uit en antwoordt 204 zonder het dossier (met `Preference-Applied: return=minimal`); zonder die voorkeur komt het hele dossier terug.',
    example: 'return=minimal',
  }),
});

/** The 204 of a route that honours `Prefer: return=minimal`. */
export const MINIMAL_RESPONSE = {
  204: {
    description: 'Gedaan; op verzoek (Prefer: return=minimal) zonder het dossier in het antwoord',
    headers: {
      'Preference-Applied': {
        description: 'RFC 7240: de voorkeur die is gevolgd (`return=minimal`).',
        schema: { type: 'string', example: 'return=minimal' },
      },
    },
  },
} as const;

/**
 * Reads `?fields=a,b` against the names the answer has: the names asked, or undefined for the whole
 * answer; an empty or unknown name is refused with a Dutch message for the field `fields`.
 */
export function fieldsSchema(names: readonly string[]) {
  const known = new Set(names);
  return z
    .string()
    .max(2000)
    .optional()
    .superRefine((given, ctx) => {
      if (given === undefined) return;
      const asked = given.split(',').map((s) => s.trim());
      if (asked.some((s) => s === ''))
        ctx.addIssue({ code: 'custom', message: "Noem de velden, gescheiden door komma's, zonder lege." });
      const unknown = asked.filter((s) => s !== '' && !known.has(s));
      if (unknown.length)
        ctx.addIssue({
          code: 'custom',
          message: `Onbekend veld: ${unknown.slice(0, 5).join(', ')}. Mogelijke velden: ${names.join(', ')}.`,
        });
    })
    .openapi({
      description: `Alleen deze velden van het dossier, gescheiden door komma's (zonder: alle). Mogelijk: ${names.join(', ')}.`,
      example: 'currentStep,availableActions',
    });
}

/** The fields asked (in the order of `all`), each made only when asked; all of them without a list. */
export function pick<S>(all: Record<string, (source: S) => unknown>, source: S, fields: string | undefined) {
  const asked = fields === undefined ? undefined : new Set(fields.split(',').map((s) => s.trim()));
  const out: Record<string, unknown> = {};
  for (const k in all) if (!asked || asked.has(k)) out[k] = (all[k] as (source: S) => unknown)(source);
  return out;
}
