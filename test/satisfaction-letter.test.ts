import { afterAll, describe, expect, it } from 'vitest';
import { act, dossier, type Submitted, submit, walk } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// The closing letter invites the complainant to answer the satisfaction question on their own
// page (issue 17's leftover): read as the complainant reads it, from the local SES mailbox, and
// the link in it followed to the question. Only where the page asks it: never after a withdrawal.

// In the regulation's form of address: SO! Trainingsbureau says "je" (lambdas/domain/address.ts).
const QUESTION = /(Bent u|Ben je) tevreden over hoe wij (uw|je) klacht behandelden\?/;
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

async function runtime(regulation: string): Promise<TestRuntime> {
  const rt = await testRuntime(regulation, '2026-09-03T09:00:00+02:00');
  runtimes.push(rt);
  return rt;
}

/** The complainant's mails about one dossier since `after` (the number of mails seen before). */
async function lettersTo(rt: TestRuntime, s: Submitted, after = 0) {
  return (await rt.mail())
    .slice(after)
    .filter((m) => m.subject.includes(`[${s.reference}]`) && m.to.includes(SANNE.complainant.email));
}

/** The links in a letter that lead to a complaint's own page (/klacht/<id>/<token>). */
function pageLinks(rt: TestRuntime, s: Submitted, text: string): string[] {
  return [...text.matchAll(/https?:\/\/\S+/g)]
    .map((m) => m[0].replace(/[.,;:!?)]+$/, ''))
    .filter((u) => u.startsWith(`${rt.url}/klacht/${s.id}/`));
}

/** Follows the closing letter's link: the page asks the question, and the link lets them answer it. */
async function followToQuestion(rt: TestRuntime, s: Submitted, closing: { text: string }) {
  const links = pageLinks(rt, s, closing.text);
  expect(links, closing.text).toHaveLength(1);
  const link = links[0] as string;
  const page = await fetch(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toMatch(QUESTION);
  expect(html).toMatch(/<form[^>]+action="[^"]*\/tevreden"/);
  // The letter says what to do there, in the page's own words.
  expect(closing.text).toMatch(QUESTION);
  const token = decodeURIComponent(new URL(link).pathname.split('/').at(-1) ?? '');
  const answered = await rt.call('POST', `/complaints/${s.id}/satisfaction`, { token, body: { satisfied: true } });
  expect(answered.status, answered.text).toBe(200);
  // The link they got when submitting still works: the letter's link is one more, not a new one.
  expect((await rt.call('GET', `/complaints/${s.id}`, { token: s.token })).status).toBe(200);
  // The dossier keeps the letter as sent, but never the working link: officers read it there.
  const d = await dossier(rt, s.id);
  for (const l of d.letters) expect(l.text ?? '').not.toContain(token);
  expect(JSON.stringify(d)).not.toContain(token);
}

describe('satisfaction: the closing letter invites the answer', () => {
  it('ONS welzijn: the closure letter links to the page that asks the question', async () => {
    const rt = await runtime('ons-welzijn');
    const s = await submit(rt);
    const seen = (await rt.mail()).length;
    const d = await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]);
    expect(d.status).toBe('closed');
    const letters = await lettersTo(rt, s, seen);
    const inviting = letters.filter((m) => QUESTION.test(m.text));
    expect(inviting.map((m) => m.subject)).toHaveLength(1);
    await followToQuestion(rt, s, inviting[0] as { text: string });
  });

  it('SO! Trainingsbureau: the outcome letter that closes the complaint invites it', async () => {
    const rt = await runtime('so-trainingsbureau');
    const s = await submit(rt);
    const seen = (await rt.mail()).length;
    const d = await act(rt, s.id, 'mentor-conversation', 'resolved');
    expect(d.status).toBe('closed');
    const inviting = (await lettersTo(rt, s, seen)).filter((m) => QUESTION.test(m.text));
    expect(inviting).toHaveLength(1);
    await followToQuestion(rt, s, inviting[0] as { text: string });
  });

  it('not after a withdrawal: the page does not ask, and no letter invites it', async () => {
    const rt = runtimes[0] as TestRuntime;
    const s = await submit(rt);
    const seen = (await rt.mail()).length;
    const w = await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: {} });
    expect(w.status, w.text).toBe(200);
    await rt.advance('PT0S');
    const letters = await lettersTo(rt, s, seen);
    expect(letters.length).toBeGreaterThan(0);
    for (const m of letters) {
      expect(m.text).not.toMatch(QUESTION);
      expect(pageLinks(rt, s, m.text)).toEqual([]);
    }
    expect((await rt.call('GET', `/complaints/${s.id}`, { token: s.token })).json.satisfaction.asked).toBe(false);
  });

  it('not while the complaint is still open: a letter before closure does not invite it', async () => {
    const rt = runtimes[0] as TestRuntime;
    const s = await submit(rt);
    await act(rt, s.id, 'admissibility', 'admissible');
    for (const m of await lettersTo(rt, s)) expect(m.text).not.toMatch(QUESTION);
  });
});
