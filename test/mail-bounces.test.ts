/**
 * Letters that do not arrive reach the dossier (#15). SES reports a bounce, a complaint (marked as
 * spam), a rejection or a delay through the configuration set's event destination (EventBridge in
 * AWS); the local SES endpoint does the same for SES's own mailbox simulator addresses
 * (bounce@, complaint@, suppressionlist@simulator.amazonses.com) and hands the event to the same
 * handler. The officer must see "brief niet aangekomen" with the address, on the dossier and in the
 * worklist: a complainant whose letters bounce must not silently miss a statutory letter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DossierEvent, redactEvent } from '../lambdas/domain/dossier.js';
import { mailEventHandler, SesMailEvent } from '../lambdas/mail-events.js';
import { officerCookie, SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const BOUNCE = 'bounce@simulator.amazonses.com';
const COMPLAINT = 'complaint@simulator.amazonses.com';

let rt: TestRuntime;
let officer: string;

async function file(email: string) {
  const r = await rt.call('POST', '/complaints', { body: { ...SANNE, complainant: { ...SANNE.complainant, email } } });
  expect(r.status).toBe(201);
  await rt.mail(); // waits for the work after the answer (the local SES events among it)
  return r.json as { id: string; reference: string };
}

beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
  officer = rt.officers.officer ?? '';
}, 120_000);

afterAll(async () => {
  await rt?.stop();
});

describe('mail events: a letter that bounces reaches the dossier', () => {
  it('records a bounce of the acknowledgement, with the address, and shows it to the officer', async () => {
    const { id } = await file(BOUNCE);
    const d = await rt.call('GET', `/dossiers/${id}`, { token: officer });
    expect(d.status).toBe(200);
    const letter = d.json.letters.find((l: any) => l.audience === 'complainant');
    expect(letter?.delivery).toMatchObject({ problem: 'bounce', addresses: [BOUNCE] });
    expect(d.json.undeliveredSince).toBeTypeOf('string');
    expect(d.json.history.map((h: any) => h.text).join('\n')).toMatch(
      /bounce@simulator\.amazonses\.com is niet aangekomen/,
    );

    const cookie = await officerCookie(rt);
    const page = await (await fetch(`${rt.url}/medewerkers/dossiers/${id}`, { headers: { cookie } })).text();
    expect(page).toContain('Brief niet aangekomen');
    expect(page).toContain(BOUNCE);
    // The letter that did not arrive can be printed and posted.
    expect(page).toContain(`/medewerkers/dossiers/${id}/brieven/${encodeURIComponent(letter.letterId)}`);
    const worklist = await (await fetch(`${rt.url}/medewerkers/werklijst`, { headers: { cookie } })).text();
    expect(worklist).toContain('Brief niet aangekomen');
  });

  it('records a spam complaint as such', async () => {
    const { id } = await file(COMPLAINT);
    const d = await rt.call('GET', `/dossiers/${id}`, { token: officer });
    const letter = d.json.letters.find((l: any) => l.audience === 'complainant');
    expect(letter?.delivery).toMatchObject({ problem: 'complaint', addresses: [COMPLAINT] });
  });

  it('leaves a letter that arrived alone', async () => {
    const { id } = await file('sanne@example.nl');
    const d = await rt.call('GET', `/dossiers/${id}`, { token: officer });
    expect(d.json.letters.every((l: any) => l.delivery === undefined)).toBe(true);
    expect(d.json.undeliveredSince).toBeUndefined();
  });

  it('records the same event delivered twice once (EventBridge delivers at least once)', async () => {
    const { id } = await file(BOUNCE);
    const events = async () => (await rt.call('GET', `/dossiers/${id}`, { token: officer })).json.history;
    const before = (await events()).filter((h: any) => /niet aangekomen/.test(h.text)).length;
    const letter = (await rt.call('GET', `/dossiers/${id}`, { token: officer })).json.letters.find(
      (l: any) => l.audience === 'complainant',
    );
    // The event as SES publishes it for this letter, handed to the handler once more.
    const handle = mailEventHandler(rt.procedure);
    const r = await handle(awsBounce(letter.messageId, id, BOUNCE));
    expect(r).toMatchObject({ recorded: false });
    expect((await events()).filter((h: any) => /niet aangekomen/.test(h.text)).length).toBe(before);
  });

  it('an officer acting in the dossier clears the worklist flag; the letter keeps its record', async () => {
    const { id } = await file(BOUNCE);
    expect((await rt.call('GET', `/dossiers/${id}`, { token: officer })).json.undeliveredSince).toBeTypeOf('string');
    // Like "nieuw bericht": the flag is what happened since an officer last did something here.
    const r = await rt.call('POST', `/dossiers/${id}/improvements`, {
      token: officer,
      body: { action: 'Adres van de klager telefonisch nagevraagd.', owner: 'officer', due: '2026-09-30' },
    });
    expect(r.status).toBe(200);
    const d = await rt.call('GET', `/dossiers/${id}`, { token: officer });
    expect(d.json.undeliveredSince).toBeUndefined();
    expect(d.json.letters.some((l: any) => l.delivery?.problem === 'bounce')).toBe(true);
  });
});

/** An SES bounce as EventBridge delivers it (SES developer guide, event publishing examples). */
function awsBounce(messageId: string, dossierId: string, address: string) {
  return {
    version: '0',
    id: '5f1d3b2a-0000-4000-8000-000000000001',
    'detail-type': 'Email Bounced',
    source: 'aws.ses',
    account: '123456789012',
    time: '2026-09-03T07:01:02Z',
    region: 'eu-west-1',
    resources: ['arn:aws:ses:eu-west-1:123456789012:configuration-set/klachtflow'],
    detail: {
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          { emailAddress: address, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
        ],
        timestamp: '2026-09-03T07:01:02.669Z',
        feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
        reportingMTA: 'dsn; mta.example.com',
      },
      mail: {
        timestamp: '2026-09-03T07:01:00.012Z',
        source: 'klachten@example.nl',
        sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.nl',
        sendingAccountId: '123456789012',
        messageId,
        destination: [address],
        headersTruncated: false,
        tags: {
          'ses:configuration-set': ['klachtflow'],
          'ses:source-ip': ['192.0.2.0'],
          'ses:from-domain': ['example.nl'],
          'klachtflow-dossier': [dossierId],
        },
      },
    },
  };
}

describe('mail events: the event as AWS publishes it', () => {
  it('parses an SES bounce, complaint, delay and reject from EventBridge', () => {
    const bounce = SesMailEvent.parse(awsBounce('m-1', '01JEXAMPLE', 'x@example.nl'));
    expect(bounce.detail.eventType).toBe('Bounce');
    const complaint = SesMailEvent.parse({
      ...awsBounce('m-2', '01JEXAMPLE', 'x@example.nl'),
      'detail-type': 'Email Complaint Received',
      detail: {
        eventType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: 'x@example.nl' }],
          timestamp: '2026-09-03T07:01:02Z',
          feedbackId: 'f',
          complaintFeedbackType: 'abuse',
        },
        mail: awsBounce('m-2', '01JEXAMPLE', 'x@example.nl').detail.mail,
      },
    });
    expect(complaint.detail.eventType).toBe('Complaint');
    const delay = SesMailEvent.parse({
      ...awsBounce('m-3', '01JEXAMPLE', 'x@example.nl'),
      'detail-type': 'Email Delivery Delayed',
      detail: {
        eventType: 'DeliveryDelay',
        deliveryDelay: {
          timestamp: '2026-09-03T07:01:02Z',
          delayType: 'MailboxFull',
          expirationTime: '2026-09-03T19:01:02Z',
          delayedRecipients: [{ emailAddress: 'x@example.nl', status: '4.2.2', diagnosticCode: 'mailbox full' }],
        },
        mail: awsBounce('m-3', '01JEXAMPLE', 'x@example.nl').detail.mail,
      },
    });
    expect(delay.detail.eventType).toBe('DeliveryDelay');
    const reject = SesMailEvent.parse({
      ...awsBounce('m-4', '01JEXAMPLE', 'x@example.nl'),
      'detail-type': 'Email Rejected',
      detail: { eventType: 'Reject', reject: { reason: 'Bad content' }, mail: awsBounce('m-4', 'x', 'y').detail.mail },
    });
    expect(reject.detail.eventType).toBe('Reject');
  });

  it('ignores an event for a message klachtflow does not know (another sender in the account)', async () => {
    const handle = mailEventHandler(rt.procedure);
    const r = await handle(awsBounce('not-ours', '01JNOSUCHDOSSIER0000000000', 'x@example.nl'));
    expect(r).toMatchObject({ recorded: false });
  });
});

describe('mail events: erasure at the end of retention', () => {
  it('removes the addresses and the server’s answer from a bounce; the fact that it bounced stays', () => {
    const e = {
      type: 'letter.bounced',
      seq: 9,
      at: '2026-09-03T07:01:02Z',
      by: 'klachtflow',
      data: {
        letterId: 'l1',
        messageId: 'm1',
        problem: 'bounce',
        addresses: ['sanne@example.nl'],
        detail: 'Permanent/General: smtp; 550 5.1.1 <sanne@example.nl> user unknown',
      },
    } as DossierEvent;
    const redacted = JSON.stringify(redactEvent(e));
    expect(redacted).not.toContain('sanne');
    expect(redactEvent(e)).toMatchObject({ type: 'letter.bounced', data: { letterId: 'l1', problem: 'bounce' } });
  });
});
