// biome-ignore-all lint/suspicious/noExplicitAny: the API's JSON as it comes
/**
 * The DynamoDB requests an officer's `GET /dossiers/{id}` makes (#19, session 15): the dossier
 * (one Query) and the record of the read (one PutItem, AVG art. 30: who looked at what, also when
 * only some fields are asked); the log of reads (a second Query) only when the answer shows it
 * (`reads`, `readsMore`). The simulation's officers ask `?fields=availableActions` 3.3 times a
 * complaint, and each of those queried the reads for nothing.
 *
 * Judged by the runtime's meter (every request the in-memory DynamoDB answered, as AWS bills it), and
 * by the reads themselves: every GET is in the log, whichever fields it asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

describe('GET /dossiers/{id}: the reads are queried only when shown', () => {
  let rt: TestRuntime;
  let officer: string;
  let id: string;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', '2026-09-01T09:00:00+02:00', undefined, {
      store: 'memory',
      aws: 'in-process',
      meter: true,
    });
    officer = Object.values(rt.officers)[0] as string;
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    expect(r.status).toBe(201);
    id = r.json.id;
    // The ladder's first steps done, so nothing else writes while the GETs are counted.
    await rt.advance('PT0S');
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
  });

  /** The DynamoDB requests of one GET, by operation (the ladder waits for an officer meanwhile: nothing else runs). */
  async function callsOf(query: string) {
    const before = rt.usage.snapshot().dynamodbRequests;
    const r = await rt.call('GET', `/dossiers/${id}${query}`, { token: officer });
    expect(r.status).toBe(200);
    const after = rt.usage.snapshot().dynamodbRequests;
    const calls = Object.fromEntries(
      Object.entries(after)
        .map(([k, n]) => [k, n - (before[k] ?? 0)] as const)
        .filter(([, n]) => n !== 0),
    );
    return { calls, json: r.json };
  }

  it('fields without the reads: the dossier and the record of the read, no Query of the reads', async () => {
    for (const fields of ['availableActions', 'currentStep,availableActions', 'history,letters']) {
      const { calls, json } = await callsOf(`?fields=${fields}`);
      expect(Object.keys(json).sort()).toEqual(fields.split(',').sort());
      expect(calls, fields).toEqual({ Query: 1, PutItem: 1 });
    }
  });

  it('the reads asked, or the whole dossier: the log is queried too', async () => {
    for (const query of ['?fields=reads', '?fields=readsMore,availableActions', '']) {
      const { calls } = await callsOf(query);
      expect(calls, query).toEqual({ Query: 2, PutItem: 1 });
    }
  });

  it('every read is in the log, whichever fields it asked', async () => {
    const before = (await rt.call('GET', `/dossiers/${id}?fields=reads`, { token: officer })).json.reads.length;
    await rt.call('GET', `/dossiers/${id}?fields=availableActions`, { token: officer });
    await rt.call('GET', `/dossiers/${id}?fields=currentStep`, { token: officer });
    const log = (await rt.call('GET', `/dossiers/${id}?fields=reads,readsMore`, { token: officer })).json;
    // The two reads between, and this one (recorded before the log is queried).
    expect(log.reads).toHaveLength(before + 3);
    expect(log.readsMore).toBe(false);
    expect(log.reads.every((r: any) => r.what === 'dossier' && typeof r.by === 'string')).toBe(true);
  });
});
