import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { klachtflowCli, startProcess } from './support/process.js';
import { SANNE } from './support/runtime.js';

// The runtime as a person starts it: `klachtflow start` in its own process, on 127.0.0.1.

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const start = (args: string[]) => startProcess(args, children);

describe('runtime: klachtflow start', () => {
  it('speaks the contract: health, complaint, officers, mail, clock, OpenAPI; only on 127.0.0.1', async () => {
    const data = mkdtempSync(join(tmpdir(), 'kf-rt-'));
    const rt = await start([
      '--regulation',
      'ons-welzijn',
      '--data',
      data,
      '--clock',
      'manual',
      '--now',
      '2026-09-03T09:00:00+02:00',
    ]);
    expect(rt.log()).toContain('/local/mailbox');
    const c = await rt.call('POST', '/complaints', SANNE);
    expect(c.status).toBe(201);
    expect(Object.keys(c.json)).toEqual(
      expect.arrayContaining(['id', 'reference', 'accessToken', 'statusUrl', 'deadlines']),
    );
    expect((await rt.call('GET', `/complaints/${c.json.id}`, undefined, c.json.accessToken)).status).toBe(200);
    expect((await rt.call('GET', `/complaints/${c.json.id}`, undefined, 'verkeerd')).status).toBe(404);
    const officers = JSON.parse(readFileSync(join(data, 'officers.json'), 'utf8'));
    expect(Object.keys(officers)).toEqual(['officer', 'manager', 'director', 'committee']);
    expect((await rt.call('GET', '/dossiers')).status).toBe(401);
    // A dossier joins the worklist when its ladder's first step begins (that step names who is at
    // turn), which runs after the answer; the clock's move waits until due work is done.
    await rt.call('POST', '/local/clock', { advance: 'PT0S' });
    const list = await rt.call('GET', '/dossiers', undefined, officers.officer);
    expect(list.json).toMatchObject({ items: [expect.objectContaining({ id: c.json.id })], next: null });
    const mail = await rt.call('GET', '/local/mail');
    expect(mail.json[0]).toMatchObject({ to: ['sanne@example.nl'], from: 'klachtenfunctionaris@ons-welzijn.nl' });
    expect(mail.json[0].text).toContain('ontvangen op donderdag 3 september 2026');
    const moved = await rt.call('POST', '/local/clock', { advance: 'P1D' });
    expect(moved.json.now).toBe('2026-09-04T07:00:00.000Z');
    expect((await rt.call('POST', '/local/clock', { advance: 'morgen' })).status).toBe(400);
    expect((await rt.call('GET', '/openapi.json')).json.openapi).toBe('3.1.0');
    expect((await rt.call('GET', '/local/mailbox')).text).toContain('Wij hebben uw klacht ontvangen');
    // The report command reads the running service with an officer's code from the data folder.
    const report = spawnSync(
      process.execPath,
      [klachtflowCli(), 'report', '--from', '2026-01-01', '--to', '2026-12-31', '--url', rt.base, '--data', data],
      { encoding: 'utf8' },
    );
    expect(report.status, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({ total: 1, open: 1 });
    // Personal data never reaches the logs on the intake path.
    for (const secret of ['Sanne', 'sanne@example.nl', '0612345678', 'Dorpsstraat', 'procesbegeleider'])
      expect(rt.log()).not.toContain(secret);
  });

  // Two starts of `klachtflow start` (startProcess allows each 120 s): 60 s ran out with the
  // machine's load at 15 (2026-12-03).
  it('survives SIGKILL in the middle of a ladder: the dossier stands, deadlines fire, no letter twice', {
    timeout: 300_000,
  }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'kf-rt-'));
    const args = ['--regulation', 'swt-dordrecht', '--data', data, '--clock', 'manual'];
    let rt = await start([...args, '--now', '2026-09-03T09:00:00+02:00']);
    const c = await rt.call('POST', '/complaints', { ...SANNE, variant: 'manager' });
    const { id } = c.json;
    const officers = JSON.parse(readFileSync(join(data, 'officers.json'), 'utf8'));
    await rt.call('POST', '/local/clock', { advance: 'PT0S' });
    const acted = await rt.call(
      'POST',
      `/dossiers/${id}/actions`,
      {
        type: 'outcome',
        stepId: 'intake',
        outcome: 'handled',
        // What the manager's letter must contain (SWT: "De manager zal u hierbij duidelijk informeren").
        contents: {
          'wie-bij-de-behandeling-van-de-klacht-betrokken-worden': 'De medewerker en haar teamleider.',
          'hoe-de-klacht-verder-wordt-behandeld': 'Wij spreken eerst met de medewerker, daarna met u.',
        },
      },
      officers.manager,
    );
    expect(acted.status).toBe(200);
    await rt.call('POST', '/local/clock', { advance: 'P1D' });
    rt.child.kill('SIGKILL');
    await new Promise((r) => rt.child.once('exit', r));

    // Started again without --now: the manual clock goes on from where it stood.
    rt = await start(args);
    expect((await rt.call('GET', '/local/clock')).json.now).toBe('2026-09-04T07:00:00.000Z');
    let d = await rt.call('GET', `/dossiers/${id}`, undefined, officers.manager);
    expect(d.json.currentStep).toMatchObject({ id: 'findings', awaiting: true });
    const findings = d.json.deadlines.find((x: any) => x.term === 'afhandeling');
    expect(findings).toMatchObject({ lastDay: '2026-10-15', status: 'open' });
    // Past the six-week deadline: the breach and the alarm.
    await rt.call('POST', '/local/clock', { to: '2026-10-16T08:00:00+02:00' });
    d = await rt.call('GET', `/dossiers/${id}`, undefined, officers.manager);
    expect(d.json.deadlines.find((x: any) => x.term === 'afhandeling').status).toBe('breached');
    const mail = (await rt.call('GET', '/local/mail')).json as { subject: string; text: string }[];
    const alarms = mail.filter((m) => m.subject.includes('Termijn verstreken'));
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms[0]?.text).toContain('donderdag 15 oktober 2026');
    // Every letter once: the acknowledgement, and each task notice.
    const subjects = mail.map((m) => m.subject);
    expect(subjects.filter((s) => s.includes('ontvangen'))).toHaveLength(1);
    expect(new Set(subjects.filter((s) => s.includes('Nieuwe taak'))).size).toBe(
      subjects.filter((s) => s.includes('Nieuwe taak')).length,
    );
    // And the ladder goes on after the restart.
    const done = await rt.call(
      'POST',
      `/dossiers/${id}/actions`,
      {
        type: 'outcome',
        stepId: 'findings',
        outcome: 'resolved',
        contents: { findings: 'De afspraken zijn niet nagekomen.', conclusions: 'Wij maken vaste afspraken.' },
      },
      officers.manager,
    );
    expect(done.status).toBe(200);
    await rt.call('POST', '/local/clock', { advance: 'PT0S' });
    d = await rt.call('GET', `/dossiers/${id}`, undefined, officers.manager);
    expect(d.json.status).toBe('closed');
    expect(existsSync(join(data, 'dynamodb'))).toBe(true);
  });

  it('with --speed a three-working-day deadline fires in seconds (OCO: the acknowledgement goes out by itself)', async () => {
    const data = mkdtempSync(join(tmpdir(), 'kf-rt-'));
    const rt = await start(['--regulation', 'oco-almere', '--data', data, '--speed', '400000']);
    const c = await rt.call('POST', '/complaints', SANNE);
    expect(c.status).toBe(201);
    let ack: { subject: string } | undefined;
    for (let i = 0; i < 150 && !ack; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ack = ((await rt.call('GET', '/local/mail')).json as { subject: string }[]).find((m) =>
        m.subject.includes('ontvangen'),
      );
    }
    expect(ack?.subject).toContain(c.json.reference);
  });
});
