/**
 * The walk test/aws-permissions.test.ts checks besides what every other file recorded: the calls
 * that only a whole life of complaints makes (a refused and retried intake, bounces, an e-mail
 * complaint with an attachment, a stopped clock started again by mail and by hand, the recovery
 * function after three kinds of crash, withdrawals, the erasures two years on). The local runtime
 * records every AWS call into KLACHTFLOW_AWS_CALLS (runtime/aws-calls.ts).
 *
 * In a whole run it runs beside the other files (test/aws-permissions-walk.test.ts) instead of in
 * the permission check's beforeAll: that file runs after all others, so its walk ran alone while
 * the other core idled (10 of the check's 16 s, CI 2026-12-04). The check walks itself when this
 * walk did not run in the run (walked()).
 */
import nodemailer from 'nodemailer';
import type { Reminders } from '../../lambdas/domain/ports.js';
import { markWalked } from './permission-walk-done.js';
import { SANNE, testRuntime } from './runtime.js';

/**
 * As in AWS, every decision of a ladder task reads the dossier first: the local runtime's store
 * answers it from memory (`knownViews`, #19 session 16), which AWS never does, so the walk would
 * not show the IAM simulation the Query each task makes there.
 */
const AS_IN_AWS = { knownViews: false } as const;

export async function permissionWalk(): Promise<void> {
  // A complaint, a refused one with an Idempotency-Key (the form always sends one), its corrected
  // retry, a withdrawal.
  const rt = await testRuntime('swt-dordrecht', undefined, undefined, { smtpPort: 0, ...AS_IN_AWS });
  try {
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
    const ons = await testRuntime('ons-welzijn', undefined, undefined, AS_IN_AWS);
    try {
      const b = await ons.call('POST', '/complaints', {
        body: { ...SANNE, complainant: { ...SANNE.complainant, email: 'bounce@simulator.amazonses.com' } },
      });
      await ons.advance('PT0S');
      await ons.mail();
      const token = ons.officers.officer ?? '';
      const d = await ons.call('GET', `/dossiers/${b.json.id}`, { token });
      const letter = (d.json.letters ?? []).find((l: { delivery?: unknown }) => l.delivery);
      const r = await ons.call(
        'POST',
        `/dossiers/${b.json.id}/letters/${encodeURIComponent(letter?.letterId)}/resend`,
        {
          token,
          body: { email: 'success@simulator.amazonses.com' },
        },
      );
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
    const answer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: rt.smtp?.port,
      secure: false,
      ignoreTLS: true,
    });
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
    await rt.call('POST', `/dossiers/${byMail?.id}/missing-information`, {
      token: manager,
      body: { note: 'een brief' },
    });
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
  } finally {
    await rt.stop();
  }
  markWalked(process.env.KLACHTFLOW_AWS_CALLS ?? '');
}
