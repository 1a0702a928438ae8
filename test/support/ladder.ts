/** Test support: walking a dossier up its ladder through the API, as officers and complainants do. */
import { expect } from 'vitest';
import { SANNE, type TestRuntime } from './runtime.js';

export interface Submitted {
  id: string;
  token: string;
  reference: string;
  body: any;
}

export async function submit(rt: TestRuntime, overrides: Record<string, unknown> = {}): Promise<Submitted> {
  const r = await rt.call('POST', '/complaints', { body: { ...SANNE, ...overrides } });
  expect(r.status, r.text).toBe(201);
  await rt.advance('PT0S');
  return { id: r.json.id, token: r.json.accessToken, reference: r.json.reference, body: r.json };
}

/**
 * The dossier as an officer sees it: the first role that may open it (the person a complaint is
 * about may not: OCO's coordinator for a complaint about the coordinator).
 */
export async function dossier(rt: TestRuntime, id: string): Promise<any> {
  let r: Awaited<ReturnType<TestRuntime['call']>> | undefined;
  for (const token of Object.values(rt.officers)) {
    r = await rt.call('GET', `/dossiers/${id}`, { token });
    if (r.status !== 403) break;
  }
  expect(r?.status, r?.text).toBe(200);
  return r?.json;
}

/** The token of whoever must act on the current step (any officer records a complainant's choice). */
export function tokenFor(rt: TestRuntime, d: any): string {
  const assignee = d.currentStep?.assignee;
  return rt.officers[assignee] ?? Object.values(rt.officers)[0] ?? '';
}

/**
 * What the officer's form asks for with this outcome because a letter must contain it (the
 * findings, the judgement, the measures: statemachines/letter-content.ts), filled in as the officer
 * would: with `text`, a date a month on for a date.
 */
export async function contentsFor(
  rt: TestRuntime,
  id: string,
  token: string,
  outcome: string,
  text = 'Dit schreef de behandelaar voor de brief.',
): Promise<Record<string, string>> {
  const own = await rt.call('GET', `/dossiers/${id}`, { token });
  const action = (own.json?.availableActions ?? []).find((a: any) => a.type === 'outcome');
  return Object.fromEntries(
    Object.entries((action?.fields ?? {}) as Record<string, any>)
      .filter(([k, f]) => k.startsWith('contents.') && f.requiredFor?.includes(outcome))
      .map(([k, f]) => [k.slice('contents.'.length), f.type === 'date' ? '2026-12-01' : text]),
  );
}

/** Takes an outcome on the step the dossier stands at, after checking it is `step`. */
export async function act(rt: TestRuntime, id: string, step: string, outcome: string, note?: string) {
  const d = await dossier(rt, id);
  expect(d.currentStep?.id, `dossier at ${d.currentStep?.id}, expected ${step}`).toBe(step);
  const token = tokenFor(rt, d);
  const contents = await contentsFor(rt, id, token, outcome, note);
  const r = await rt.call('POST', `/dossiers/${id}/actions`, {
    token,
    body: {
      type: 'outcome',
      stepId: step,
      outcome,
      ...(note ? { note } : {}),
      ...(Object.keys(contents).length ? { contents } : {}),
    },
  });
  expect(r.status, r.text).toBe(200);
  await rt.advance('PT0S');
  return dossier(rt, id);
}

/** ONS welzijn: the officer's rung ends without a solution, with written findings; the complainant chooses next. */
export const ONS_OFFICER_WITHOUT_SOLUTION = (findings?: string): [string, string, string?][] => [
  ['admissibility', 'admissible'],
  ['preliminary-investigation', 'done'],
  ['conversation', 'not-resolved'],
  findings ? ['findings', 'sent', findings] : ['findings', 'sent'],
];

/** Walks a list of [step, outcome] pairs. */
export async function walk(rt: TestRuntime, id: string, path: [string, string, string?][]) {
  let d: any;
  for (const [step, outcome, note] of path) d = await act(rt, id, step, outcome, note);
  return d;
}

/** ONS welzijn's shortest way to a closed dossier: admissible, looked into, resolved in a talk. */
export const ONS_RESOLVED_IN_CONVERSATION: [string, string][] = [
  ['admissibility', 'admissible'],
  ['preliminary-investigation', 'done'],
  ['conversation', 'resolved'],
];

/** The complainant asks for the next rung through their own API. */
export async function escalate(rt: TestRuntime, s: Submitted, to?: string) {
  const r = await rt.call('POST', `/complaints/${s.id}/escalate`, { token: s.token, body: to ? { to } : {} });
  expect(r.status, r.text).toBe(200);
  await rt.advance('PT0S');
  return dossier(rt, s.id);
}

/** Mails about one dossier, by its reference in the subject. */
export async function mailsOf(rt: TestRuntime, reference: string) {
  return (await rt.mail()).filter((m) => m.subject.includes(`[${reference}]`));
}

export function deadline(d: any, step: string) {
  return d.deadlines.filter((x: any) => x.step === step).at(-1);
}
