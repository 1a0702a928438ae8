import { afterAll, describe, expect, it } from 'vitest';
import { act, dossier, escalate, type Submitted, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// The letters on the complainant's own page ("Brieven aan u") as the page shows them: never a
// placeholder meant for the mail (the closing letter's "[uw persoonlijke link]", which the mail
// replaces with a fresh link as it is sent). The complainant reading the page is already at that
// link. Walked through every kind of letter a complainant gets in the example regulation (the
// request for missing information, the clock stopped and running again, the extension, the
// invitation, the findings that close it) and the ONS welzijn closure.

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

/** The page's visible text, as a browser without CSS would read it (tags out, entities decoded). */
async function pageText(s: Submitted): Promise<string> {
  const res = await fetch(s.body.statusUrl);
  expect(res.status).toBe(200);
  const html = await res.text();
  const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html;
  return main
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every "[...]" on the page: a placeholder that should have been filled in or left out. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\[[^\]\n]{1,80}\]/g)].map((m) => m[0]);
}

/**
 * What the page says of the complainant in the third person ("de klager", "de klant"): the
 * regulation's words for officers. On their own page and in their letters it is "u".
 */
function thirdPerson(text: string): string[] {
  return [...text.matchAll(/[^.\n]*\b(de klager|de klant|klager)\b[^.\n]*/gi)].map((m) => m[0].trim());
}

/** The kinds of the letters the complainant's own view lists (what the page shows). */
async function letterKinds(rt: TestRuntime, s: Submitted): Promise<string[]> {
  const own = await rt.call('GET', `/complaints/${s.id}`, { token: s.token });
  expect(own.status, own.text).toBe(200);
  for (const l of own.json.letters) {
    expect(placeholders(l.text), `${l.kind}: ${l.text}`).toEqual([]);
    expect(thirdPerson(l.text), `${l.kind}: ${l.text}`).toEqual([]);
  }
  return [...new Set<string>(own.json.letters.map((l: any) => l.kind))].sort();
}

describe("the complainant's page shows their letters without a placeholder", () => {
  it('the example: every kind of letter up to the findings that close it', async () => {
    const rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-11-05T09:00:00+01:00');
    runtimes.push(rt);
    const s = await submit(rt);
    const coordinator = rt.officers.coordinator;
    // Asked for missing information; the complainant adds it on their page (the clock runs again).
    const asked = await rt.call('POST', `/dossiers/${s.id}/missing-information`, {
      token: coordinator,
      body: { note: 'een kopie van de brief van 12 oktober' },
    });
    expect(asked.status, asked.text).toBe(200);
    await rt.advance('P2D');
    const added = await rt.call('POST', `/complaints/${s.id}/messages`, {
      token: s.token,
      body: { text: 'Hierbij de brief van 12 oktober.' },
    });
    expect(added.status, added.text).toBe(200);
    await rt.advance('PT0S');
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    // Mediation the complainant asked for stops the clock; the coordinator starts it again.
    const stop = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: coordinator,
      body: {
        type: 'suspend',
        stepId: 'horen',
        ground: 'bemiddeling',
        reason: 'U praat eerst met een bemiddelaar.',
        consent: true,
      },
    });
    expect(stop.status, stop.text).toBe(200);
    await rt.advance('P3D');
    const resume = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: coordinator,
      body: { type: 'resume', stepId: 'horen' },
    });
    expect(resume.status, resume.text).toBe(200);
    await rt.advance('PT0S');
    const extended = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: coordinator,
      body: {
        type: 'extend',
        stepId: 'horen',
        termId: 'afhandeling',
        term: 'twee weken',
        reason: 'Wij wachten op het verslag van de zorgaanbieder.',
      },
    });
    expect(extended.status, extended.text).toBe(200);
    await rt.advance('PT0S');
    const d = await walk(rt, s.id, [
      ['horen', 'gehoord'],
      ['onderzoek', 'klaar'],
      ['bevindingen', 'gegrond'],
    ]);
    expect(d.status).toBe('closed');

    const kinds = await letterKinds(rt, s);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'acknowledgement',
        'missing-information',
        'suspended',
        'resumed',
        'extension',
        'invitation',
        'findings',
      ]),
    );
    const text = await pageText(s);
    expect(text).toContain('Brieven aan u');
    expect(placeholders(text)).toEqual([]);
    expect(thirdPerson(text)).toEqual([]);
    // The closing letter still says where the question is: on this page.
    expect(text).toContain('op deze pagina');
  });

  // The letters say "je" where the regulation does (Ondersteuningsteam: address.ts), a regulation's
  // own words put into them too ("als wij je aanvulling hebben ontvangen"); the API's own text
  // for the reason the clock stands still keeps klachtflow's "u" (the page says it with "je").
  it('Ondersteuningsteam: the request for missing information speaks with one voice', async () => {
    const rt = await testRuntime('ondersteuningsteam', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt);
    // To the handler, whose check of the window may stop the clock while it waits for the addition.
    await act(rt, s.id, 'conversation', 'not-resolved');
    await escalate(rt, s, 'handler');
    const asked = await rt.call('POST', `/dossiers/${s.id}/missing-information`, {
      token: rt.officers.handler,
      body: { note: 'de datum van het gesprek' },
    });
    expect(asked.status, asked.text).toBe(200);
    await rt.advance('PT0S');
    const own = await rt.call('GET', `/complaints/${s.id}`, { token: s.token });
    for (const t of own.json.letters.map((l: any) => l.text)) expect(t.match(/\b(u|uw)\b/gi) ?? [], t).toEqual([]);
    expect(await pageText(s)).toContain('als wij je aanvulling hebben ontvangen');
    expect(own.json.suspension?.resumesWhen).toBe('als wij uw aanvulling hebben ontvangen');
  });

  it('ONS welzijn: the closure letter', async () => {
    const rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt);
    const d = await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]);
    expect(d.status).toBe('closed');
    expect((await dossier(rt, s.id)).letters.some((l: any) => l.text.includes('[uw persoonlijke link]'))).toBe(true);
    await letterKinds(rt, s);
    const text = await pageText(s);
    expect(placeholders(text)).toEqual([]);
    expect(thirdPerson(text)).toEqual([]);
    expect(text).toContain('op deze pagina');
  });
});
