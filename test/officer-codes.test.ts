/**
 * The local runtime's officer codes (runtime/runtime.ts `officer`), each code's bytes made once
 * instead of for every role at every request (#19, session 17). The judge is what each code opens:
 * every role's code answers as that role (its own list of dossiers, 200), a code of another length,
 * a code of the right length but one character off, and no code are refused (401), also when asked
 * again after the others and in another order; and each code signs in as its own role (the
 * dossier's record of reads names the role that read it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00', undefined, { store: 'memory', aws: 'in-process' });
});
afterAll(async () => {
  await rt.stop();
});

const status = async (code: string | undefined) =>
  (await rt.request('GET', '/dossiers', code === undefined ? {} : { headers: { authorization: `Bearer ${code}` } }))
    .status;

describe('local officer codes', () => {
  it('each role its own code; others refused, asked in any order', async () => {
    const roles = Object.entries(rt.officers);
    expect(roles.length).toBeGreaterThan(1);
    for (const order of [roles, [...roles].reverse()]) {
      for (const [, code] of order) expect(await status(code)).toBe(200);
      for (const [, code] of order) {
        const last = code.at(-1) === 'x' ? 'y' : 'x';
        expect(await status(`${code.slice(0, -1)}${last}`)).toBe(401);
        expect(await status(`${code}x`)).toBe(401);
      }
      expect(await status(undefined)).toBe(401);
    }
  });

  it('each code signs in as its own role: the dossier records its read by that role', async () => {
    const filed = await rt.call('POST', '/complaints', { body: SANNE });
    expect(filed.status).toBe(201);
    const id = (filed.json as { id: string }).id;
    const roles = Object.entries(rt.officers);
    const read: string[] = [];
    for (const [role, code] of [...roles].reverse()) {
      const r = await rt.request('GET', `/dossiers/${id}?fields=id`, { headers: { authorization: `Bearer ${code}` } });
      if (r.status === 200) read.push(`${role}@local`);
    }
    // Precondition: more than one role may read it, so a code taken for another role's would show.
    expect(read.length).toBeGreaterThan(1);
    const [first] = roles[0] as [string, string];
    const seen = await rt.call('GET', `/dossiers/${id}?fields=reads`, { token: rt.officers[first] });
    expect(seen.status).toBe(200);
    const by = new Set((seen.json as { reads: { by: string }[] }).reads.map((x) => x.by));
    for (const who of read) expect(by.has(who), who).toBe(true);
  });
});
