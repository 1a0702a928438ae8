/**
 * The report's terms per step in correct Dutch for one and for more. Seen in the review of session
 * 11 as SO! Trainingsbureau's quality officer reading the year's report: "0 gehaald, 0 gehaald na
 * verlenging, 2 verstreken, 1 lopen nog" ("1 loopt nog"; B1, PEOPLE.md).
 *
 * The judge: the report page as served to a signed-in officer, over complaints made through the API.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { officerCookie, SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

async function termsLine(rt: TestRuntime): Promise<string> {
  const cookie = await officerCookie(rt, 'office-manager');
  const html = await (
    await fetch(`${rt.url}/medewerkers/rapportage?van=01-01-2026&tot=31-12-2026`, { headers: { cookie } })
  ).text();
  const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  return /Termijnen per stap (.*?) Termijn stilgezet/.exec(text)?.[1] ?? text;
}

describe('the report page: terms per step', () => {
  it('one running term "loopt nog", two "lopen nog"', async () => {
    const rt = await testRuntime('so-trainingsbureau', '2026-12-04T09:00:00+01:00');
    runtimes.push(rt);
    const send = async () => {
      const r = await rt.call('POST', '/complaints', { body: { ...SANNE, variant: 'klachtenfunctionaris' } });
      expect(r.status, r.text).toBe(201);
      await rt.advance('PT0S');
    };
    await send();
    const one = await termsLine(rt);
    expect(one).toMatch(/\b1 loopt nog\b/);
    expect(one).not.toMatch(/\b1 lopen nog\b/);
    await send();
    expect(await termsLine(rt)).toMatch(/\b2 lopen nog\b/);
  });
});
