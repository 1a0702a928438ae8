/** The usage meter the cost model reads: counts must follow what the runtime really did. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  // A cold store (recentDossiers: 0): every read reads the whole dossier, as a Lambda container's
  // first read does in AWS. A warm one reads only the commits since the version it knows
  // (test/store-recent.test.ts), so a large dossier it wrote itself costs no more to read again,
  // and the size-dependence of a whole read below would not show.
  rt = await testRuntime('ons-welzijn', undefined, undefined, { meter: true, recentDossiers: 0 });
});
afterAll(async () => {
  await rt.stop();
});
/**
 * A look at a dossier answered in this process, as the simulation looks (rt.fetch): `unmetered`
 * leaves out what its own work does, and a request over HTTP is the server's work, not the caller's.
 */
const watch = (id: string, token: string) =>
  rt.fetch(new Request(`${rt.url}/dossiers/${id}`, { headers: { authorization: `Bearer ${token}` } }));

describe('usage: what one complaint costs in AWS terms', () => {
  it('counts the request, the execution, the task invocations, the writes and the acknowledgement', async () => {
    const before = rt.usage.snapshot();
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    expect(r.status).toBe(201);
    await rt.advance('PT0S');
    const after = rt.usage.snapshot();
    // One request to the API; the clock call is the runtime's own and not billed.
    expect(after.apiRequests - before.apiRequests).toBe(1);
    expect(after.executionsStarted - before.executionsStarted).toBe(1);
    expect((after.invocations['begin-step'] ?? 0) - (before.invocations['begin-step'] ?? 0)).toBeGreaterThanOrEqual(1);
    expect((after.invocationMs['begin-step'] ?? 0) - (before.invocationMs['begin-step'] ?? 0)).toBeGreaterThan(0);
    const mails = (await rt.mail()).length;
    expect(after.mails - before.mails).toBeGreaterThanOrEqual(1);
    expect(after.mails).toBe(mails);
    // The dossier's commit items, its view, the reference and the counter are all writes.
    expect(after.writeUnits - before.writeUnits).toBeGreaterThanOrEqual(4);
    expect(after.dynamodbRequests.PutItem ?? 0).toBeGreaterThan(before.dynamodbRequests.PutItem ?? 0);
  });

  it('a read of a large dossier costs more read units than a small one', async () => {
    const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: 'x'.repeat(3000) } });
    const officer = Object.values(rt.officers)[0] as string;
    const small = rt.usage.snapshot();
    await rt.call('GET', `/dossiers/${r.json.id}`, { token: officer });
    const mid = rt.usage.snapshot();
    for (let i = 0; i < 5; i++) {
      const m = await rt.call('POST', `/complaints/${r.json.id}/messages`, {
        body: { text: 'y'.repeat(4000) },
        token: r.json.accessToken,
      });
      expect(m.status).toBe(200);
    }
    const before = rt.usage.snapshot();
    await rt.call('GET', `/dossiers/${r.json.id}`, { token: officer });
    const after = rt.usage.snapshot();
    expect(after.readUnits - before.readUnits).toBeGreaterThan(mid.readUnits - small.readUnits);
  });

  it('what the simulation only watches is not counted', async () => {
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    await rt.advance('PT0S');
    const officer = Object.values(rt.officers)[0] as string;
    const before = rt.usage.snapshot();
    const seen = await rt.usage.unmetered(() => watch(r.json.id, officer));
    expect(seen.status).toBe(200);
    expect(rt.usage.snapshot()).toEqual(before);
  });

  it('what runs while the simulation watches is counted all the same (#19, session 9)', async () => {
    // The simulation watches a dossier unmetered while the ladders of others go on in the same
    // process: their requests are billed in AWS and must be counted. A pause for the whole meter
    // lost them (a 200-complaint year: 94 of its ladder's PutItems made while a watching read was
    // under way were not counted).
    const officer = Object.values(rt.officers)[0] as string;
    const watched = await rt.call('POST', '/complaints', { body: SANNE });
    await rt.advance('PT0S');
    const cost = async (watching: boolean) => {
      const before = rt.usage.snapshot();
      const filed = rt.call('POST', '/complaints', {
        body: { ...SANNE, complainant: { ...SANNE.complainant, email: `gelijktijdig-${watching}@example.nl` } },
      });
      if (watching) for (let i = 0; i < 3; i++) await rt.usage.unmetered(() => watch(watched.json.id, officer));
      expect((await filed).status).toBe(201);
      await rt.advance('PT0S');
      const after = rt.usage.snapshot();
      const requests = Object.fromEntries(
        Object.entries(after.dynamodbRequests).map(([op, n]) => [op, n - (before.dynamodbRequests[op] ?? 0)]),
      );
      return { apiRequests: after.apiRequests - before.apiRequests, requests };
    };
    const alone = await cost(false);
    const meanwhile = await cost(true);
    expect(alone.requests.PutItem).toBeGreaterThan(0);
    expect(meanwhile).toEqual(alone);
  });
});
