/**
 * Permissions from what the code really calls. While the end-to-end suites run, the local runtime
 * records every AWS SDK command each function issues (runtime/aws-calls.ts, into
 * KLACHTFLOW_AWS_CALLS); this file runs after them (vitest.config.ts: its own project, a later
 * group), adds a walk of its own, maps each call to its IAM action and resource, and evaluates it
 * against that function's synthesised role policy with an IAM policy simulator
 * (@cloud-copilot/iam-simulate). A call the role would deny fails here, before AWS refuses it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCall, FunctionName } from '../runtime/aws-calls.js';
import { ConcreteStack, simulate } from './support/iam.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';
import { FULL_STACK, synthesised } from './support/synth.js';

const dir = process.env.KLACHTFLOW_AWS_CALLS ?? '';

function recorded(): AwsCall[] {
  if (!dir || !existsSync(dir)) return [];
  const lines = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim().startsWith('{'));
  return [...new Set(lines)].map((l) => JSON.parse(l) as AwsCall);
}

let stack: ConcreteStack;
let rt: TestRuntime;

beforeAll(async () => {
  const synth = synthesised();
  const full = synth.stacks.find((s) => s.stackName === FULL_STACK);
  if (!full) throw new Error(`${FULL_STACK} was not synthesised`);
  stack = new ConcreteStack(full);
  // A walk of its own, so this file proves something when it runs alone: a complaint, a refused
  // one with an Idempotency-Key (the form always sends one), its corrected retry, a withdrawal.
  rt = await testRuntime('swt-dordrecht');
  await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'perm-1' } });
  await rt.call('POST', '/complaints', {
    body: { ...SANNE, variant: 'bestaat-niet' },
    headers: { 'idempotency-key': 'perm-2' },
  });
  const good = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'perm-2' } });
  // Letters that bounce and are marked as spam (SES's mailbox simulator): the mail-events function.
  for (const email of ['bounce@simulator.amazonses.com', 'complaint@simulator.amazonses.com'])
    await rt.call('POST', '/complaints', { body: { ...SANNE, complainant: { ...SANNE.complainant, email } } });
  // Deadlines pass unanswered (reminders, breaches), then the complainant withdraws (a stop).
  await rt.advance('P40D');
  await rt.call('POST', `/complaints/${good.json.id}/withdraw`, {
    token: good.json.accessToken,
    body: { reason: 'Het is goed zo.' },
  });
  await rt.advance('PT0S');
}, 600_000);

afterAll(async () => {
  await rt?.stop();
});

describe('aws permissions: every recorded call is allowed by its function’s role', () => {
  it('records calls with the function they ran in', () => {
    expect(dir, 'vitest.config.ts sets KLACHTFLOW_AWS_CALLS').not.toBe('');
    const fns = new Set(recorded().map((c) => c.fn));
    for (const fn of ['api', 'beginStep', 'awaitAction', 'mailEvents'] as FunctionName[]) expect(fns, fn).toContain(fn);
  });

  it('the simulator is live: what a role lacks is denied', async () => {
    const table = stack.requestsOf({ fn: 'api', service: 'dynamodb', command: 'Scan' })[0];
    expect(await simulate(stack, 'api', { action: 'dynamodb:Scan', resource: table?.resource ?? '' })).toBe(
      'ImplicitlyDenied',
    );
    expect(
      await simulate(
        stack,
        'beginStep',
        stack.requestsOf({ fn: 'beginStep', service: 'sfn', command: 'StartExecution' })[0]!,
      ),
    ).toBe('ImplicitlyDenied');
  });

  it('allows every call each function made', async () => {
    const denied: string[] = [];
    const calls = recorded();
    const seen = new Set<string>();
    for (const call of calls) {
      for (const request of stack.requestsOf(call)) {
        const key = `${call.fn} ${request.action} ${request.resource}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const verdict = await simulate(stack, call.fn, request);
        if (verdict !== 'Allowed') denied.push(`${call.fn}: ${request.action} on ${request.resource} → ${verdict}`);
      }
    }
    expect(denied).toEqual([]);
  });

  it('names every schedule in a way Scheduler accepts (1-64 of [0-9A-Za-z-_.])', () => {
    const bad = recorded().filter((c) => c.scheduleName && !c.scheduleName.valid);
    expect(bad).toEqual([]);
  });
});
