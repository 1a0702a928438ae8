/**
 * Permissions from what the code really calls. While the end-to-end suites run, the local runtime
 * records every AWS SDK command each function issues (runtime/aws-calls.ts, into
 * KLACHTFLOW_AWS_CALLS); this file runs after them (vitest.config.ts: its own project, a later
 * group), adds a walk of its own (test/support/permission-walk.ts), maps each call to its IAM action and resource, and evaluates it
 * against that function's synthesised role policy with an IAM policy simulator
 * (@cloud-copilot/iam-simulate). A call the role would deny fails here, before AWS refuses it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsCall, FunctionName } from '../runtime/aws-calls.js';
import { ConcreteStack, type IamRequest, simulate } from './support/iam.js';
import { walked } from './support/permission-walk-done.js';
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

beforeAll(async () => {
  const synth = synthesised();
  const full = synth.stacks.find((s) => s.stackName === FULL_STACK);
  if (!full) throw new Error(`${FULL_STACK} was not synthesised`);
  stack = new ConcreteStack(full);
  // The walk of its own (test/support/permission-walk.ts) ran in this run beside the other files
  // (test/aws-permissions-walk.test.ts); run alone, this file walks itself.
  if (!walked(dir)) await (await import('./support/permission-walk.js')).permissionWalk();
}, 600_000);

describe('aws permissions: every recorded call is allowed by its function’s role', () => {
  it('records calls with the function they ran in', () => {
    expect(dir, 'vitest.config.ts sets KLACHTFLOW_AWS_CALLS').not.toBe('');
    const fns = new Set(recorded().map((c) => c.fn));
    for (const fn of ['api', 'beginStep', 'awaitAction', 'mailEvents', 'recoverIntake'] as FunctionName[])
      expect(fns, fn).toContain(fn);
    // The recovery's own calls: the index of dossiers whose ladder did not start, the dossier, the
    // start; the index of open dossiers, and the schedule a crash lost; the mark of a closed
    // dossier's erasure taken out of its index (its one write).
    const recovery = new Set(
      recorded()
        .filter((c) => c.fn === 'recoverIntake')
        .map((c) => `${c.command}${c.index ? ` ${c.index}` : ''}${c.keyPrefix ? ` ${c.keyPrefix}` : ''}`),
    );
    for (const call of [
      'Query byRole',
      'Query',
      'StartExecution',
      'Query worklist',
      'CreateSchedule',
      'UpdateItem ERASING#',
    ])
      expect(recovery, call).toContain(call);
  });

  it('records the calls that start a stopped clock again from an e-mail reply and from a stale wait', () => {
    const calls = new Set(recorded().map((c) => `${c.fn} ${c.service} ${c.command}`));
    for (const call of [
      'inboundMail scheduler CreateSchedule',
      'inboundMail scheduler DeleteSchedule',
      'inboundMail sfn SendTaskSuccess',
      'awaitAction sfn SendTaskSuccess',
    ])
      expect(calls, call).toContain(call);
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
        stack.requestsOf({ fn: 'beginStep', service: 'sfn', command: 'StartExecution' })[0] as IamRequest,
      ),
    ).toBe('ImplicitlyDenied');
    // SES's S3 action writes raw mail, never the function that reads it; the API erases nothing.
    const inbound = stack.requestsOf({ fn: 'inboundMail', service: 's3', command: 'PutObject', prefix: 'inbound/' })[0];
    expect(await simulate(stack, 'inboundMail', inbound as IamRequest)).toBe('ImplicitlyDenied');
    const erase = stack.requestsOf({ fn: 'api', service: 's3', command: 'DeleteObject', prefix: 'attachments/' })[0];
    expect(await simulate(stack, 'api', erase as IamRequest)).toBe('ImplicitlyDenied');
    // The recovery writes the erasures' marks and nothing else: a dossier's item is out of reach.
    const [mark] = stack.requestsOf({
      fn: 'recoverIntake',
      service: 'dynamodb',
      command: 'UpdateItem',
      keyPrefix: 'ERASING#',
    });
    const [view] = stack.requestsOf({
      fn: 'recoverIntake',
      service: 'dynamodb',
      command: 'UpdateItem',
      keyPrefix: 'DOSSIER#',
    });
    const [put] = stack.requestsOf({
      fn: 'recoverIntake',
      service: 'dynamodb',
      command: 'PutItem',
      keyPrefix: 'ERASING#',
    });
    expect(await simulate(stack, 'recoverIntake', mark as IamRequest)).toBe('Allowed');
    expect(await simulate(stack, 'recoverIntake', view as IamRequest)).toBe('ImplicitlyDenied');
    expect(await simulate(stack, 'recoverIntake', put as IamRequest)).toBe('ImplicitlyDenied');
  });

  it('allows every call each function made', async () => {
    const denied: string[] = [];
    const calls = recorded();
    const seen = new Set<string>();
    for (const call of calls) {
      for (const request of stack.requestsOf(call)) {
        const key = `${call.fn} ${request.action} ${request.resource} ${JSON.stringify(request.context ?? {})}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const verdict = await simulate(stack, call.fn, request);
        if (verdict !== 'Allowed') denied.push(`${call.fn}: ${request.action} on ${request.resource} → ${verdict}`);
      }
    }
    expect(denied).toEqual([]);
  });

  it('records the S3 calls of the functions that read and keep mail (the inbound-mail bucket)', () => {
    const s3 = new Set(
      recorded()
        .filter((c) => c.service === 's3')
        .map((c) => `${c.fn} ${c.command} ${c.prefix}`),
    );
    for (const call of [
      'inboundMail GetObject inbound/',
      'inboundMail PutObject attachments/',
      'api GetObject attachments/',
      'reminder DeleteObject inbound/',
      'reminder DeleteObject attachments/',
    ])
      expect(s3, call).toContain(call);
  });

  it('names every schedule in a way Scheduler accepts (1-64 of [0-9A-Za-z-_.])', () => {
    const bad = recorded().filter((c) => c.scheduleName && !c.scheduleName.valid);
    expect(bad).toEqual([]);
  });
});
