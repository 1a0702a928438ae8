/**
 * OCO Almere: "Gaat een klacht over de coördinator zelf? Dan is de leidinggevende van de
 * coördinator verantwoordelijk voor de afhandeling." and "De beklaagde heeft altijd recht op
 * inzage in zijn/haar dossier." (issue 14: the coordinator still saw and read the whole dossier).
 * The person complained about gets what the regulation grants: the inspection copy, nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
let about: { id: string; reference: string };
let other: { id: string };
beforeAll(async () => {
  rt = await testRuntime('oco-almere', '2026-09-03T09:00:00+02:00');
  const a = await rt.call('POST', '/complaints', { body: { ...SANNE, aboutRole: 'coordinator' } });
  expect(a.status, a.text).toBe(201);
  about = a.json;
  other = (await rt.call('POST', '/complaints', { body: SANNE })).json;
  await rt.advance('PT0S');
});
afterAll(async () => rt?.stop());

const as = (role: string, method: string, path: string, body?: unknown) =>
  rt.call(method, path, { token: rt.officers[role], ...(body ? { body } : {}) });

describe('respondent access: a complaint about the coordinator', () => {
  it('is handled by the coordinator’s manager, who sees it as any dossier', async () => {
    const d = await as('coordinator-manager', 'GET', `/dossiers/${about.id}`);
    expect(d.status).toBe(200);
    expect(d.json.currentStep.assignee).toBe('coordinator-manager');
    const list = await as('coordinator-manager', 'GET', '/dossiers');
    expect(list.json.items.map((i: any) => i.id)).toContain(about.id);
  });

  it('the coordinator does not see it in the worklist, cannot open or change it, but may inspect the copy', async () => {
    const list = await as('coordinator', 'GET', '/dossiers');
    const ids = list.json.items.map((i: any) => i.id);
    expect(ids).toContain(other.id);
    expect(ids).not.toContain(about.id);
    const reads = async () => (await as('coordinator-manager', 'GET', `/dossiers/${about.id}`)).json.reads;
    const before = (await reads()).length;

    const refused = [
      ['GET', `/dossiers/${about.id}`],
      ['GET', `/dossiers/${about.id}/conduct-notes`],
      ['POST', `/dossiers/${about.id}/conduct-notes`, { text: 'Niets aan de hand.' }],
      ['POST', `/dossiers/${about.id}/registration`, { answers: {} }],
      ['POST', `/dossiers/${about.id}/improvements`, { action: 'x', owner: 'coordinator', due: '2026-10-01' }],
      ['POST', `/dossiers/${about.id}/actions`, { type: 'outcome', stepId: 'contact', outcome: 'contact-made' }],
    ] as const;
    for (const [method, path, body] of refused) {
      const r = await as('coordinator', method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.json.error.message).toMatch(/over u/);
    }
    // The inspection copy: what happened and the letters, without how to reach the complainant.
    const copy = await as('coordinator', 'GET', `/dossiers/${about.id}/export`);
    expect(copy.status).toBe(200);
    expect(copy.json.reference).toBe(about.reference);
    expect(copy.json.received.description).toBe(SANNE.description);
    expect(copy.json.received.complainant).toEqual({ name: SANNE.complainant.name });
    expect(JSON.stringify(copy.json)).not.toContain(SANNE.complainant.phone);
    expect(JSON.stringify(copy.json)).not.toContain(SANNE.complainant.email);
    // Only the inspection is in the read log (the refused reads read nothing), plus the manager's own.
    const log = (await reads()).slice(before);
    expect(log.filter((r: any) => r.by === 'coordinator@local').map((r: any) => r.what)).toEqual(['inzage beklaagde']);
  });

  it('the coordinator handles other complaints as always', async () => {
    expect((await as('coordinator', 'GET', `/dossiers/${other.id}`)).status).toBe(200);
  });
});
