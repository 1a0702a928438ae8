/**
 * Property-based: arbitrary Unicode, lengths and shapes at every text field of every route and at
 * the SMTP intake (issue 14). The routes and their text fields are read from the API's own
 * OpenAPI document, so a new route or field is covered (or this suite fails until it is).
 *
 * Invariants, whatever the text: no 5xx; a refusal stores nothing (the dossier's version, the
 * number of dossiers); what was accepted is stored as sent, in NFC; every letter is recorded sent
 * and went out with the same text; the runtime starts again on what was stored.
 *
 * Bounded: few runs per route, a fixed seed (FC_SEED overrides it; a failure prints the seed and
 * path to replay), no shrinking beyond fast-check's own bound.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_LINK } from '../lambdas/domain/letters.js';
import { isWellFormed } from '../lambdas/domain/text.js';
import { walk } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const SEED = Number(process.env.FC_SEED ?? 20261203);
const NOW = '2026-09-03T09:00:00+02:00';

/** Text people and programs send: any code point, lone surrogates, marks, controls, long. */
const nasty = fc.constantFrom(
  '\u0000',
  '\ud800',
  '\udfff',
  '\ud83d',
  '😀',
  '🇳🇱',
  '👍🏽',
  '👨‍👩‍👧',
  'e\u0301',
  '\u0301',
  '\u202e',
  '\u2066',
  '\u200f',
  '\ufeff',
  '\uffff',
  '\r\n',
  '\t',
  '=',
  '+',
  '@',
  '<a href="x">',
  '&amp;',
  'www.example.com',
  'http://evil.example/',
  '€',
  '<',
);
const arbitraryText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(nasty, fc.string({ unit: 'grapheme', maxLength: 5 })), { maxLength: 20 })
      .map((a) => a.join('')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 250, max: 310 }), nasty)
      .map(([n, x]) => `${'a'.repeat(n)}${x}${'b'.repeat(20)}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 60_000 }), nasty)
      .map(([n, x]) => x.repeat(Math.ceil(n / x.length)).slice(0, n)),
  },
);

type Leaf = { path: string[]; free: boolean };
type Route = { method: string; path: string; leaves: Leaf[] };

/** The string fields of each JSON request body in the OpenAPI document. */
function routesOf(doc: any): Route[] {
  const schemas = doc.components?.schemas ?? {};
  const resolve = (s: any): any => (s?.$ref ? resolve(schemas[s.$ref.split('/').pop()]) : s);
  const walk = (s: any, path: string[], out: Leaf[]) => {
    s = resolve(s) ?? {};
    for (const k of ['anyOf', 'oneOf', 'allOf'])
      if (s[k]) {
        for (const x of s[k]) walk(x, path, out);
        return;
      }
    if (s.type === 'object' || s.properties) {
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, [...path, k], out);
      if (s.additionalProperties && typeof s.additionalProperties === 'object')
        walk(s.additionalProperties, [...path, '*'], out);
    } else if (s.type === 'array') walk(s.items, [...path, '0'], out);
    else if (s.type === 'string')
      // Free text: no list of values, no format, no pattern; stored as the writer wrote it.
      out.push({ path, free: !s.enum && !s.const && !s.format && !s.pattern });
  };
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths))
    for (const [method, op] of Object.entries<any>(ops)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      const leaves: Leaf[] = [];
      walk(schema, [], leaves);
      const seen = new Set<string>();
      routes.push({
        method: method.toUpperCase(),
        path,
        leaves: leaves.filter((l) => !seen.has(l.path.join('.')) && seen.add(l.path.join('.'))),
      });
    }
  return routes;
}

/** Sets `value` at `path` in a copy of `body` (`*` is a key of a record). */
function setAt(body: any, path: string[], value: string): any {
  const copy = structuredClone(body);
  let o = copy;
  for (const [i, k] of path.entries()) {
    const key = k === '*' ? (Object.keys(o)[0] ?? 'vraag') : k;
    if (i === path.length - 1) o[key] = value;
    else {
      o[key] ??= path[i + 1] === '0' ? [] : {};
      o = o[key];
    }
  }
  return copy;
}

/** What an accepted free text must read like when stored: NFC, maybe trimmed. */
const stored = (s: string) => s.normalize('NFC').trim();

let rt: TestRuntime;
let dataDir: string;
let officer: string;
let routes: Route[];
const issues: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kf-props-'));
  rt = await testRuntime('ons-welzijn', NOW, dataDir, { smtpPort: 0 });
  officer = rt.officers.officer ?? '';
  routes = routesOf((await rt.call('GET', '/openapi.json')).json);
}, 120_000);
afterAll(async () => rt?.stop());

async function complaint(extra: Record<string, unknown> = {}) {
  const r = await rt.call('POST', '/complaints', { body: { ...SANNE, ...extra } });
  if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
  return { id: r.json.id as string, token: r.json.accessToken as string, reference: r.json.reference as string };
}

async function dossier(id: string) {
  return (await rt.call('GET', `/dossiers/${id}`, { token: officer })).json;
}

/**
 * The ladder goes on after an answer (letters sent, the next step begun): wait (bounded) until
 * the dossier stands still: the runtime's work after answers and its ladders idle (what
 * GET /local/mail waits for), then no letter queued and the same version on two reads with that
 * wait between. It polled four reads 50 ms apart: 16 s of the restart test's 17 s.
 */
async function settled(id: string) {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    await rt.background.idle();
    await rt.stepFunctions.idle();
    await rt.background.idle();
    const d = await dossier(id);
    if (d.version === last && !d.letters.some((l: { status: string }) => l.status === 'queued')) return d;
    last = d.version;
  }
  return dossier(id);
}

async function dossierCount(): Promise<number> {
  const r = await rt.call('GET', '/reports?from=2000-01-01&to=2100-12-31', { token: officer });
  return r.json.total ?? r.json.count ?? JSON.stringify(r.json).length;
}

/**
 * The mail carries the stored letter's text; where the letter names the complainant's page
 * (`PAGE_LINK`, the closing letter's satisfaction question) a link of their own stands instead.
 */
function sameText(mailed: string, stored: string): boolean {
  if (mailed === stored) return true;
  if (!stored.includes(PAGE_LINK)) return false;
  const quote = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const link = `${quote(rt.url)}/klacht/[0-9a-z]{26}/[A-Za-z0-9_-]+`;
  return new RegExp(`^${stored.split(PAGE_LINK).map(quote).join(link)}$`).test(mailed);
}

/** Every letter of the dossier was sent, and the mail that went out carries its text. */
async function lettersIntact(d: any, what: string) {
  const mail = await rt.mail();
  for (const m of mail) if (!isWellFormed(`${m.subject}${m.text}`)) issues.push(`${what}: a mail is not well-formed`);
  for (const l of d.letters) {
    if (l.status !== 'sent') issues.push(`${what}: letter ${l.letterId} is ${l.status}`);
    else if (l.to.length && !mail.some((m) => m.subject === l.subject && sameText(m.text, l.text)))
      issues.push(`${what}: letter ${l.letterId} went out with other text`);
  }
}

/** Per route: a body that is accepted, and where it goes (a fresh dossier where a success changes state). */
type Setup = { url: string; body: any; token?: string; dossierId?: string; creates?: boolean };
const SETUPS: Record<string, () => Promise<Setup>> = {
  'POST /complaints': async () => ({ url: '/complaints', body: SANNE, creates: true }),
  'POST /dossiers': async () => ({
    url: '/dossiers',
    body: {
      ...SANNE,
      channel: 'phone',
      receivedAt: '2026-09-03T08:00:00+02:00',
      takenBy: 'Kees',
      transcript: 'Gebeld.',
    },
    token: officer,
    creates: true,
  }),
  'POST /complaints/link': async () => {
    const c = await complaint();
    return { url: '/complaints/link', body: { reference: c.reference, email: SANNE.complainant.email } };
  },
  'POST /complaints/{id}/messages': async () => {
    const c = await complaint();
    return { url: `/complaints/${c.id}/messages`, body: { text: 'Nog iets.' }, token: c.token, dossierId: c.id };
  },
  'POST /complaints/{id}/withdraw': async () => {
    const c = await complaint();
    return { url: `/complaints/${c.id}/withdraw`, body: { reason: 'Opgelost.' }, token: c.token, dossierId: c.id };
  },
  'POST /complaints/{id}/escalate': async () => {
    const c = await complaint();
    return { url: `/complaints/${c.id}/escalate`, body: {}, token: c.token, dossierId: c.id };
  },
  'POST /complaints/{id}/satisfaction': async () => {
    // Asked only after closure (not after a withdrawal): the officer rung ends resolved first.
    const c = await complaint();
    await settled(c.id);
    await walk(rt, c.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]);
    await settled(c.id);
    return {
      url: `/complaints/${c.id}/satisfaction`,
      body: { satisfied: true, remark: 'Goed geholpen.' },
      token: c.token,
      dossierId: c.id,
    };
  },
  'POST /dossiers/{id}/actions': async () => {
    const c = await complaint();
    await settled(c.id);
    return {
      url: `/dossiers/${c.id}/actions`,
      body: { type: 'outcome', stepId: 'admissibility', outcome: 'admissible', note: 'Ontvankelijk.' },
      token: officer,
      dossierId: c.id,
    };
  },
  'POST /dossiers/{id}/registration': async () => {
    const c = await complaint();
    return { url: `/dossiers/${c.id}/registration`, body: { answers: { x: 'y' } }, token: officer, dossierId: c.id };
  },
  'POST /dossiers/{id}/improvements': async () => {
    const c = await complaint();
    return {
      url: `/dossiers/${c.id}/improvements`,
      body: { action: 'Afspraken vastleggen.', owner: 'manager', due: '2026-10-01' },
      token: officer,
      dossierId: c.id,
    };
  },
  'POST /dossiers/{id}/improvements/{improvementId}': async () => {
    const c = await complaint();
    const r = await rt.call('POST', `/dossiers/${c.id}/improvements`, {
      body: { action: 'Afspraken vastleggen.', owner: 'manager', due: '2026-10-01' },
      token: officer,
    });
    const improvementId = r.json?.improvementId ?? r.json?.improvements?.[0]?.improvementId ?? 'x';
    return {
      url: `/dossiers/${c.id}/improvements/${improvementId}`,
      body: { status: 'in-progress', note: 'Bezig.' },
      token: officer,
      dossierId: c.id,
    };
  },
  'POST /dossiers/{id}/conduct-notes': async () => {
    const c = await complaint();
    return { url: `/dossiers/${c.id}/conduct-notes`, body: { text: 'Gesproken.' }, token: officer, dossierId: c.id };
  },
  'POST /dossiers/{id}/missing-information': async () => {
    const c = await complaint();
    return { url: `/dossiers/${c.id}/missing-information`, body: { note: 'Graag.' }, token: officer, dossierId: c.id };
  },
  'POST /dossiers/{id}/intake': async () => {
    const c = await complaint();
    return {
      url: `/dossiers/${c.id}/intake`,
      body: { complainant: { name: 'Sanne de Vries' } },
      token: officer,
      dossierId: c.id,
    };
  },
  'POST /dossiers/{id}/letters/{letterId}/resend': async () => {
    // A letter that bounced (SES's simulator address), sent again to an address that arrives.
    const c = await complaint({ complainant: { ...SANNE.complainant, email: 'bounce@simulator.amazonses.com' } });
    const d = await settled(c.id);
    const letter = d.letters.find((l: any) => l.delivery?.problem === 'bounce') ?? d.letters[0];
    return {
      url: `/dossiers/${c.id}/letters/${encodeURIComponent(letter?.letterId ?? 'x')}/resend`,
      body: { email: 'success@simulator.amazonses.com' },
      token: officer,
      dossierId: c.id,
    };
  },
  'POST /inbound-mail/{id}/register': async () => ({ url: '/inbound-mail/none/register', body: {}, token: officer }),
  'POST /inbound-mail/{id}/attach': async () => ({
    url: '/inbound-mail/none/attach',
    body: { reference: 'KL-2026-0001' },
    token: officer,
  }),
  'POST /inbound-mail/{id}/discard': async () => ({
    url: '/inbound-mail/none/discard',
    body: { reason: 'Spam.' },
    token: officer,
  }),
};

describe('properties: arbitrary text at every text field of every route', () => {
  it('covers every route with a JSON body', () => {
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(Object.keys(SETUPS).sort());
  });

  it('no 5xx, nothing half-stored, accepted text stored in NFC, letters sent with their text', {
    timeout: 600_000,
  }, async () => {
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const setup = SETUPS[key];
      if (!setup) continue;
      // Few runs per route (each makes a complaint); the fields are drawn, so every run differs.
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...route.leaves), arbitraryText, async (leaf, text) => {
          const s = await setup();
          const body = setAt(s.body, leaf.path, text);
          const before = s.dossierId ? (await settled(s.dossierId)).version : undefined;
          const count = s.creates ? await dossierCount() : 0;
          const r = await rt.call(route.method, s.url, {
            body: JSON.stringify(body),
            ...(s.token ? { token: s.token } : {}),
          });
          const what = `${key} ${leaf.path.join('.')}=${JSON.stringify(text.slice(0, 60))}${text.length > 60 ? `…(${text.length})` : ''}`;
          if (r.status >= 500) issues.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
          const ok = r.status >= 200 && r.status < 300;
          const id: string | undefined = s.dossierId ?? (ok ? r.json?.id : undefined);
          if (!ok && s.dossierId && (await settled(s.dossierId)).version !== before)
            issues.push(`${what}: refused (${r.status}) but the dossier changed`);
          if (!ok && s.creates && (await dossierCount()) !== count)
            issues.push(`${what}: refused (${r.status}) but a dossier was stored`);
          if (ok && id) {
            const d = await settled(id);
            if (leaf.free && text.trim()) {
              const exported = JSON.stringify(
                (await rt.call('GET', `/dossiers/${id}/export`, { token: officer })).json,
              );
              const conduct = key.includes('conduct-notes')
                ? JSON.stringify(
                    (await rt.call('GET', `/dossiers/${id}/conduct-notes`, { token: rt.officers.manager })).json,
                  )
                : '';
              const want = JSON.stringify(stored(text)).slice(1, -1);
              if (!exported.includes(want) && !conduct.includes(want))
                issues.push(`${what}: accepted (${r.status}) but not stored as sent (NFC)`);
            }
            await lettersIntact(d, what);
          }
          return true;
        }),
        { seed: SEED, numRuns: route.path === '/complaints' ? 12 : 3, endOnFailure: true },
      );
    }
    expect(issues).toEqual([]);
  });
});

describe('properties: arbitrary mail at the SMTP intake', () => {
  it('every message is answered 250 and becomes a dossier or waits in the postvak, its text well-formed', {
    timeout: 300_000,
  }, async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: rt.smtp?.port,
      secure: false,
      ignoreTLS: true,
    });
    const found: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            name: arbitraryText,
            subject: arbitraryText,
            text: arbitraryText,
            filename: arbitraryText,
            html: fc.boolean(),
          }),
          async (m) => {
            const what = `mail ${JSON.stringify(m).slice(0, 200)}`;
            let response = '';
            try {
              const info = await transport.sendMail({
                from: { name: m.name, address: 'klager@example.nl' },
                to: rt.smtp?.addresses[0],
                subject: m.subject,
                ...(m.html ? { html: `<p>${m.text}</p>` } : { text: m.text }),
                attachments: [{ filename: m.filename, content: 'bijlage' }],
              });
              response = info.response;
            } catch (e) {
              // nodemailer itself refuses some (an encoding it cannot write): not the server's answer.
              if (!(e as { responseCode?: number }).responseCode) return true;
              response = `${(e as { responseCode?: number }).responseCode} ${(e as Error).message}`;
            }
            if (!/^250/.test(response)) found.push(`${what}: ${response}`);
            return true;
          },
        ),
        { seed: SEED, numRuns: 15, endOnFailure: true },
      );
    } finally {
      transport.close();
    }
    // What came in is stored well-formed: dossiers and the postvak.
    const list = (await rt.call('GET', '/inbound-mail', { token: officer })).json;
    const held = await Promise.all(
      list.items.map(
        async (i: { id: string }) => (await rt.call('GET', `/inbound-mail/${i.id}`, { token: officer })).json,
      ),
    );
    if (!isWellFormed(JSON.stringify(held))) found.push('postvak: not well-formed');
    // File names are shown and offered for download: no bidirectional controls ("gnp.exe" as "exe.png").
    const names = [...JSON.stringify(held).matchAll(/"filename":("(?:[^"\\]|\\.)*")/g)].map((m) =>
      JSON.parse(m[1] ?? '""'),
    );
    for (const n of names)
      if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(n)) found.push(`file name ${JSON.stringify(n)}`);
    expect(found).toEqual([]);
  });
});

describe('properties: restart', () => {
  it('starts again on everything the suite stored, and no letter is left queued', { timeout: 120_000 }, async () => {
    await rt.stop();
    rt = await testRuntime('ons-welzijn', NOW, dataDir, { smtpPort: 0 });
    const items: { id: string }[] = [];
    let cursor = '';
    for (let page = 0; page < 50; page++) {
      const list = (
        await rt.call('GET', `/dossiers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
          token: officer,
        })
      ).json;
      items.push(...list.items);
      if (!list.next) break;
      cursor = list.next;
    }
    expect(items.length).toBeGreaterThan(0);
    const left: string[] = [];
    for (const item of items) {
      const d = await settled(item.id);
      for (const l of d.letters) if (l.status !== 'sent') left.push(`${item.id} ${l.letterId} ${l.status}`);
      for (const a of d.attachments ?? [])
        if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(a.filename) || !isWellFormed(a.filename))
          left.push(`${item.id} file name ${JSON.stringify(a.filename)}`);
    }
    expect(left).toEqual([]);
  });
});
