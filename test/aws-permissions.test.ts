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
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reminders } from '../lambdas/domain/ports.js';
import type { AwsCall, FunctionName } from '../runtime/aws-calls.js';
import { ConcreteStack, type IamRequest, simulate } from './support/iam.js';
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
  rt = await testRuntime('swt-dordrecht', undefined, undefined, { smtpPort: 0 });
  await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'perm-1' } });
  await rt.call('POST', '/complaints', {
    body: { ...SANNE, variant: 'bestaat-niet' },
    headers: { 'idempotency-key': 'perm-2' },
  });
  const good = await rt.call('POST', '/complaints', { body: SANNE, headers: { 'idempotency-key': 'perm-2' } });
  // Letters that bounce and are marked as spam (SES's mailbox simulator): the mail-events function.
  for (const email of ['bounce@simulator.amazonses.com', 'complaint@simulator.amazonses.com'])
    await rt.call('POST', '/complaints', { body: { ...SANNE, complainant: { ...SANNE.complainant, email } } });
  // A bounced letter sent again to a corrected address by the officer (the API sends it). On ONS
  // welzijn, whose acknowledgement goes to the complainant (SWT's first letter is to an officer).
  const ons = await testRuntime('ons-welzijn');
  try {
    const b = await ons.call('POST', '/complaints', {
      body: { ...SANNE, complainant: { ...SANNE.complainant, email: 'bounce@simulator.amazonses.com' } },
    });
    await ons.advance('PT0S');
    await ons.mail();
    const token = ons.officers.officer ?? '';
    const d = await ons.call('GET', `/dossiers/${b.json.id}`, { token });
    const letter = (d.json.letters ?? []).find((l: { delivery?: unknown }) => l.delivery);
    const r = await ons.call('POST', `/dossiers/${b.json.id}/letters/${encodeURIComponent(letter?.letterId)}/resend`, {
      token,
      body: { email: 'success@simulator.amazonses.com' },
    });
    if (r.status !== 200) throw new Error(`the bounced letter was not sent again: ${r.status} ${r.text}`);
    await ons.advance('PT0S');
  } finally {
    await ons.stop();
  }
  // A complaint by e-mail with an attachment (SES receiving: the inbound-mail function reads the
  // stored message from S3 and keeps the attachment), which an officer downloads (the API).
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: rt.smtp?.port, secure: false, ignoreTLS: true });
  const info = await smtp.sendMail({
    from: 'Jan Jansen <jan@example.nl>',
    to: 'klacht@swtdordrecht.nl',
    subject: 'Klacht over mijn begeleider',
    text: 'Naam: Jan Jansen\nAdres: Voorstraat 12, 3311 AB Dordrecht\n\nMijn begeleider kwam drie keer niet.',
    attachments: [
      { filename: 'verslag.pdf', content: Buffer.from('%PDF-1.4 verslag'), contentType: 'application/pdf' },
    ],
  });
  smtp.close();
  await rt.advance('PT0S');
  const reference = /kenmerk (KL-\d{4}-\d{4})/.exec(info.response ?? '')?.[1];
  const manager = rt.officers.manager ?? '';
  const list = await rt.call('GET', '/dossiers?limit=200', { token: manager });
  const byMail = list.json.items.find((i: { reference: string }) => i.reference === reference);
  const dossier = await rt.call('GET', `/dossiers/${byMail?.id}`, { token: manager });
  for (const a of dossier.json.attachments ?? [])
    await rt.call('GET', `/dossiers/${byMail?.id}/attachments/${a.sha256}`, { token: manager });
  // The manager asks for missing information (the clock stops) and Jan answers by e-mail: the
  // inbound-mail function starts the clock again (schedules moved, the waiting step woken).
  const asked = await rt.call('POST', `/dossiers/${byMail?.id}/missing-information`, {
    token: manager,
    body: { note: 'uw telefoonnummer' },
  });
  if (asked.status !== 200) throw new Error(`missing-information: ${asked.status} ${asked.text}`);
  await rt.advance('P1D');
  const answer = nodemailer.createTransport({ host: '127.0.0.1', port: rt.smtp?.port, secure: false, ignoreTLS: true });
  await answer.sendMail({
    from: 'Jan Jansen <jan@example.nl>',
    to: 'klacht@swtdordrecht.nl',
    subject: `Re: [${reference}] Wij missen nog informatie`,
    text: 'Mijn nummer is 06 12345678.',
  });
  answer.close();
  await rt.advance('PT0S');
  // Asked again, and resumed by hand while the ladder is between two waits (its await task held):
  // the await task finds its cursor outdated and wakes its own wait (SendTaskSuccess).
  const original = rt.procedure.awaitAction;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  rt.procedure.awaitAction = async (p) => {
    await gate;
    return original(p);
  };
  await rt.call('POST', `/dossiers/${byMail?.id}/missing-information`, { token: manager, body: { note: 'een brief' } });
  const current = (await rt.call('GET', `/dossiers/${byMail?.id}`, { token: manager })).json.currentStep?.id;
  await rt.call('POST', `/dossiers/${byMail?.id}/actions`, {
    token: manager,
    body: { type: 'resume', stepId: current },
  });
  rt.procedure.awaitAction = original;
  release();
  await rt.advance('PT0S');
  // A crash between a complaint's commit and its StartExecution: the intake recovery function
  // (a schedule in AWS) finds it and starts its ladder (test/intake-recovery.test.ts).
  const deps = rt.procedure.deps as { workflow: { start: (...a: never[]) => Promise<string> } };
  const start = deps.workflow.start;
  deps.workflow.start = () => Promise.reject(new Error('the API function ended here'));
  await rt.call('POST', '/complaints', { body: SANNE });
  deps.workflow.start = start;
  await rt.advance('PT3M');
  const recovery = await rt.intakeRecovery(120);
  if (recovery.started !== 1) throw new Error(`the recovery started ${recovery.started} ladders, not 1`);
  // A crash between a commit and its CreateSchedule: the same function makes the lost schedules
  // again (test/schedule-recovery.test.ts).
  const held = rt.procedure.deps as { reminders: Reminders };
  const reminders = held.reminders;
  held.reminders = {
    schedule: () => Promise.reject(new Error('the function ended here')),
    cancel: (name) => reminders.cancel(name),
  };
  await rt.call('POST', '/complaints', { body: SANNE });
  await rt.advance('PT0S');
  held.reminders = reminders;
  await rt.advance('PT3M');
  const remade = await rt.intakeRecovery(120);
  if (!remade.schedules.rescheduled) throw new Error('the recovery made no lost schedule again');
  // A crash between a closing commit and the erasure's CreateSchedule: the same function makes the
  // erasure again and takes the closure's mark out of its index (test/erasure-recovery.test.ts).
  const closing = await rt.call('POST', '/complaints', { body: SANNE });
  await rt.advance('PT0S');
  held.reminders = {
    schedule: (name, at, payload) =>
      payload.kind === 'erase'
        ? Promise.reject(new Error('the function ended here'))
        : reminders.schedule(name, at, payload),
    cancel: (name) => reminders.cancel(name),
  };
  await rt.call('POST', `/complaints/${closing.json.id}/withdraw`, { token: closing.json.accessToken, body: {} });
  held.reminders = reminders;
  await rt.advance('PT3M');
  const erasure = await rt.intakeRecovery(120);
  if (erasure.erasures.rescheduled !== 1)
    throw new Error(`the recovery made ${erasure.erasures.rescheduled} erasures again, not 1`);
  // Deadlines pass unanswered (reminders, breaches), then the complainant withdraws (a stop).
  await rt.advance('P40D');
  await rt.call('POST', `/complaints/${good.json.id}/withdraw`, {
    token: good.json.accessToken,
    body: { reason: 'Het is goed zo.' },
  });
  // Every other complainant withdraws too (through the procedure: their links went by mail), so
  // nothing runs on for two years but the erasures.
  const open = await rt.call('GET', '/dossiers?limit=200', { token: manager });
  for (const item of open.json.items as { id: string }[]) await rt.procedure.withdraw(item.id, 'Opgelost.');
  await rt.advance('PT0S');
  // The retention period (two years after closure) ends: the reminder function erases the
  // dossiers, the e-mail's files with them.
  await rt.advance('P25M');
}, 600_000);

afterAll(async () => {
  await rt?.stop();
});

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
        stack.requestsOf({ fn: 'beginStep', service: 'sfn', command: 'StartExecution' })[0]!,
      ),
    ).toBe('ImplicitlyDenied');
    // SES's S3 action writes raw mail, never the function that reads it; the API erases nothing.
    const inbound = stack.requestsOf({ fn: 'inboundMail', service: 's3', command: 'PutObject', prefix: 'inbound/' })[0];
    expect(await simulate(stack, 'inboundMail', inbound!)).toBe('ImplicitlyDenied');
    const erase = stack.requestsOf({ fn: 'api', service: 's3', command: 'DeleteObject', prefix: 'attachments/' })[0];
    expect(await simulate(stack, 'api', erase!)).toBe('ImplicitlyDenied');
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
