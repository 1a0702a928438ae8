import type { SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossier, mailsOf, submit } from './support/ladder.js';
import { smtpRuntime, type TestRuntime } from './support/runtime.js';

// The complainant answers a request for missing information by e-mail: the reply starts the
// stopped clock again exactly as an answer on their page does (Awb 4:15 lid 1: "tot de dag waarop
// de aanvraag is aangevuld"). End to end in the local runtime: a real message through the local
// SMTP server, stored in the local S3 bucket and read back by the inbound-mail function's handler,
// as SES receiving does; the committed ASL; the local Scheduler; the manual clock.
//
// What counts as the answer: a reply the inbound-mail function matches to the dossier (its
// reference in the subject, or the letter it answers in In-Reply-To/References) from the
// complainant's own address (From and envelope, one sender), while the clock stands still on the
// regulation's missing-information ground. A reply it cannot trust (another address) is kept in
// the postvak, starts nothing, and the officers' notice says a clock waits on it.
//
// examples/sociaal-team-gemeente.yaml: six weeks for the handling (Awb 9:11) and four for the
// admissibility step; asking for missing information stops both.

const term = (d: any) => d.deadlines.find((x: any) => x.term === 'afhandeling');
const step = (d: any, id: string) => d.deadlines.filter((x: any) => x.step === id).at(-1);
const TO = 'klachten@sociaalteam.voorbeeld.nl';

describe('an e-mail reply to a request for missing information starts the clock again', () => {
  let rt: TestRuntime;
  let send: (mail: SendMailOptions) => Promise<string>;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    // Thursday 5 November 2026: the six weeks end on Thursday 17 December, the step on 3 December.
    const made = await smtpRuntime('examples/sociaal-team-gemeente.yaml', '2026-11-05T09:00:00+01:00');
    rt = made.rt;
    stop = made.stop;
    send = async (mail) => {
      const info = await made.transport.sendMail({ to: TO, ...mail });
      await rt.advance('PT0S');
      return info.response ?? '';
    };
  });
  afterAll(async () => stop?.());

  it('across Kerst: the new ends through the Atw, schedules and the waiting step moved, the letter and the notice say so', async () => {
    const s = await submit(rt);
    let d = await dossier(rt, s.id);
    expect(term(d).lastDay).toBe('2026-12-17');
    expect(step(d, 'ontvankelijkheid').lastDay).toBe('2026-12-03');

    // Monday 9 November: the coordinator asks for a copy of a letter; the clock stops.
    await rt.advance('P4D');
    const asked = await rt.call('POST', `/dossiers/${s.id}/missing-information`, {
      token: rt.officers.coordinator,
      body: { note: 'een kopie van de brief van het Sociaal Team van 12 oktober' },
    });
    expect(asked.status, asked.text).toBe(200);
    await rt.advance('PT0S');
    d = await dossier(rt, s.id);
    expect(term(d).suspended).toBe(true);
    const request = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('missen nog'));
    expect(request?.to).toEqual(['sanne@example.nl']);

    // Friday 13 November: someone else answers with the reference. Kept in the postvak, not added,
    // the clock keeps standing, and the officers' notice says a clock waits on a held reply.
    await rt.advance('P4D');
    const stranger = await send({
      from: 'buurvrouw@example.org',
      subject: `Re: ${request?.subject}`,
      text: 'Sanne vroeg mij dit te sturen.',
    });
    expect(stranger).toContain('medewerker bekijkt');
    d = await dossier(rt, s.id);
    expect(term(d).suspended).toBe(true);
    expect(d.suspension).not.toBeNull();
    const postvak = (await rt.mail()).find((m) => m.subject.startsWith('Postvak:'));
    expect(postvak?.text).toContain(`de termijn van dossier ${s.reference} staat stil`);
    expect(postvak?.text).not.toContain('buurvrouw');

    // Wednesday 18 November: Sanne answers the request by e-mail. 10 to 17 November stood still
    // (8 days): the six weeks move from Thursday 17 December to Friday 25 December, Eerste
    // Kerstdag, and through Tweede Kerstdag and Sunday to Monday 28 December (Atw art. 1); the
    // step moves from 3 to 11 December.
    await rt.advance('P5D');
    const reply = await send({
      from: '"Sanne de Vries" <sanne@example.nl>',
      subject: `Re: ${request?.subject}`,
      text: 'Hierbij de brief van 12 oktober.\n\nOp 9 nov. 2026 schreef Sociaal Team:\n> Wij missen nog',
    });
    expect(reply).toContain(s.reference);
    d = await dossier(rt, s.id);
    expect(d.suspension).toBeNull();
    expect(term(d)).toMatchObject({ suspended: false, lastDay: '2026-12-28', status: 'open' });
    expect(step(d, 'ontvankelijkheid')).toMatchObject({ suspended: false, lastDay: '2026-12-11', status: 'open' });
    expect(term(d).explanation.text).toContain('8 dag(en) erbij');
    expect(term(d).explanation.text).toContain('Eerste Kerstdag');
    expect(d.history.some((h: any) => h.text.startsWith('De termijn loopt weer'))).toBe(true);

    // The complainant's letter gives the new dates.
    const running = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('loopt weer'));
    expect(running?.to).toEqual(['sanne@example.nl']);
    expect(running?.text).toContain('Wij hebben uw aanvulling ontvangen.');
    expect(running?.text).toMatch(/uiterlijk maandag 28 december 2026/i);
    // The coordinator's notice: her words, and that the clock runs again (nothing to do by hand).
    const notice = (await mailsOf(rt, s.reference)).find((m) => m.text.includes('Hierbij de brief van 12 oktober.'));
    expect(notice?.to).not.toContain('sanne@example.nl');
    expect(notice?.text).toContain('Nu loopt hij weer');
    expect(notice?.text).toContain('maandag 28 december 2026');
    expect(notice?.text).not.toContain('Laat de termijn dan weer lopen');

    // The waiting step was woken and waits for its new end, with the token the dossier holds.
    const view = await rt.procedure.deps.store.load(s.id);
    const pause = rt.stepFunctions.execution(view?.executionArn ?? '')?.pause;
    expect(pause?.kind).toBe('callback');
    if (pause?.kind === 'callback') {
      expect(pause.token).toBe(view?.current?.token);
      expect(Math.abs(Date.parse(pause.deadline) - Date.parse(step(d, 'ontvankelijkheid').dueAt))).toBeLessThan(60_000);
    }

    // The step's new end holds: open on Friday 11 December, breached the day after.
    await rt.advance('P23D'); // Friday 11 December
    expect(step(await dossier(rt, s.id), 'ontvankelijkheid').status).toBe('open');
    await rt.advance('P1D');
    expect(step(await dossier(rt, s.id), 'ontvankelijkheid').status).toBe('breached');
    // The six weeks' schedules moved with it: no alarm at the old end (17 December), open on
    // Monday 28 December, breached and alarmed after it.
    await rt.advance('P6D'); // Friday 18 December
    expect(term(await dossier(rt, s.id)).status).toBe('open');
    await rt.advance('P10D'); // Monday 28 December
    expect(term(await dossier(rt, s.id)).status).toBe('open');
    await rt.advance('P1D');
    d = await dossier(rt, s.id);
    expect(term(d).status).toBe('breached');
    const alarms = (await mailsOf(rt, s.reference)).filter((m) => m.text.includes('De termijn is verstreken'));
    expect(alarms.some((m) => m.text.includes('Afhandeling van de klacht'))).toBe(true);
  });
});
