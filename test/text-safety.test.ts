/**
 * Ordinary text that stopped the service (issue 14, critical): a description of about 300
 * characters with an emoji where the letter's excerpt is cut, or a lone surrogate in the name.
 * Before the fix the API answered 201, the acknowledgement stayed queued, the mailbox got a
 * garbled mail (the SDK's serialiser, left half-written by the URIError, put this letter's
 * recipients on the next one) and every later start exited 1 with `URIError: URI malformed`.
 * Run against `klachtflow start` as a process, as a person runs it.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDossierStore } from '../lambdas/adapters/dynamodb-store.js';
import type { QueuedLetter } from '../lambdas/domain/dossier.js';
import { graphemes, isWellFormed, normalizeJson, stripBidiControls, truncateText } from '../lambdas/domain/text.js';
import { startProcess } from './support/process.js';
import { SANNE, testRuntime } from './support/runtime.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const start = (data: string, extra: string[] = []) =>
  startProcess(['--regulation', 'ons-welzijn', '--clock', 'manual', '--data', data, ...extra], children);

/** 298 letters, then an emoji across the excerpt's old cut at UTF-16 index 299. */
const EMOJI_AT_CUT = `${'a'.repeat(298)}😀 en daarna nog wat meer tekst over wat er gebeurde.`;

describe('text: cut on whole characters', () => {
  it('keeps emoji, flags, skin tones and accents whole', () => {
    for (const ch of ['😀', '🇳🇱', '👍🏽', 'é', '👨‍👩‍👧']) {
      const t = truncateText(`${'x'.repeat(9)}${ch}${'y'.repeat(20)}`, 11);
      expect(isWellFormed(t)).toBe(true);
      expect(graphemes(t).slice(0, -1).join('')).toBe(`${'x'.repeat(9)}${ch}`);
    }
  });

  it('refuses lone surrogates with their path and stores NFC', () => {
    const { value, issues } = normalizeJson({ a: { b: ['ok', 'x\ud800'] }, c: 'Cafe\u0301' });
    expect(issues.map((i) => i.path)).toEqual([['a', 'b', 1]]);
    expect((value as { c: string }).c).toBe('Café');
  });

  it('removes bidirectional controls', () => {
    expect(stripBidiControls('foto\u202Egnp.exe')).toBe('fotognp.exe');
  });
});

describe('text: one ordinary complaint never stops the service (issue 14)', () => {
  it('an emoji at the excerpt cut is sent whole; a lone surrogate in the name is refused; restart works', {
    timeout: 90_000,
  }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'kf-text-'));
    let rt = await start(data, ['--now', '2026-09-03T09:00:00+02:00']);
    const ok = await rt.call('POST', '/complaints', { ...SANNE, description: EMOJI_AT_CUT });
    expect(ok.status).toBe(201);
    // A JSON escape is the only way a lone surrogate reaches us: send it as the bytes a client sends.
    const raw = JSON.stringify({ ...SANNE, complainant: { ...SANNE.complainant, name: 'Sanne XX de Vries' } }).replace(
      'XX',
      '\\ud83d',
    );
    const bad = await fetch(`${rt.base}/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    const badBody = (await bad.json()) as { error: { issues: unknown[] } };
    expect(bad.status).toBe(400);
    expect(badBody.error.issues).toEqual([{ path: 'complainant.name', message: expect.stringMatching(/teken/) }]);

    const mail = (await rt.call('GET', '/local/mail')).json as { to: string[]; subject: string; text: string }[];
    const ack = mail.filter((m) => /ontvangen/.test(m.subject));
    expect(ack).toHaveLength(1);
    expect(ack[0]?.to).toEqual([SANNE.complainant.email]);
    expect(ack[0]?.text).toContain(`"${'a'.repeat(298)}😀…"`);
    for (const m of mail) expect(isWellFormed(m.text) && m.text.length > 0).toBe(true);

    rt.child.kill('SIGTERM');
    await rt.exited;
    rt = await start(data);
    expect((await rt.call('GET', '/health')).status).toBe(200);
  });

  it('a letter stored before the fix with text no encoder can write is set aside with an alarm; the rest starts and is sent', {
    timeout: 90_000,
  }, async () => {
    // Prepare: two dossiers, each with a letter decided but not sent (as a crash leaves them);
    // one of them holds half an emoji, as the old excerpt cut it.
    const data = mkdtempSync(join(tmpdir(), 'kf-text-legacy-'));
    const inproc = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00', data);
    const client = new DynamoDBClient({
      region: inproc.endpoints.region,
      endpoint: inproc.endpoints.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const store = new DynamoDossierStore(client, inproc.endpoints.tableName);
    const ids: string[] = [];
    for (const who of ['anna@example.nl', 'bram@example.nl']) {
      const r = await inproc.call('POST', '/complaints', {
        body: { ...SANNE, complainant: { ...SANNE.complainant, email: who } },
      });
      expect(r.status).toBe(201);
      ids.push(r.json.id);
    }
    // The ladder's first step sends the acknowledgement after the answer (#19): let it finish
    // (the local mailbox waits for the ladder's work), so the letters queued below are left
    // unsent, as a crash leaves them, and not sent by this runtime's ladder.
    await inproc.call('GET', '/local/mail');
    const queue = async (id: string, letterId: string, text: string, attempt = 0): Promise<void> => {
      const view = await store.load(id);
      if (!view) throw new Error('no dossier');
      const letter: QueuedLetter = {
        letterId,
        kind: 'notice',
        audience: 'complainant',
        recipients: ['complainant'],
        to: [view.received.complainant.email ?? ''],
        from: inproc.regulation.organisation.senderAddress,
        subject: `[${view.reference}] Bericht over uw klacht`,
        text,
        html: `<p>${text}</p>`,
        undeliverable: [],
      };
      // The ladder may still be writing its first steps: append on the version it left.
      await store
        .append(id, view.version, [{ type: 'letter.queued', data: letter }], 'klachtflow', '2026-09-03T07:00:00Z', view)
        .catch((e) => (attempt < 20 ? queue(id, letterId, text, attempt + 1) : Promise.reject(e)));
    };
    await queue(ids[0] ?? '', 'legacy:notice:complainant', `Uw klacht: "${'a'.repeat(298)}\ud83d…"`);
    await queue(ids[1] ?? '', 'good:notice:complainant', 'Een gewone brief die nog niet weg was.');
    client.destroy();
    await inproc.stop();

    // Act: start as a person does.
    const rt = await start(data);

    // Assess: it runs, the bad letter is set aside (never "sent") with the alarm line, the good one went.
    expect((await rt.call('GET', '/health')).status).toBe(200);
    expect(rt.log()).toMatch(
      /ALARM LetterFailed: dossier \S+, brief legacy:notice:complainant \(text-not-well-formed\)/,
    );
    const officer = JSON.parse(readFileSync(join(data, 'officers.json'), 'utf8')).officer;
    const bad = (await rt.call('GET', `/dossiers/${ids[0]}`, undefined, officer)).json;
    const good = (await rt.call('GET', `/dossiers/${ids[1]}`, undefined, officer)).json;
    expect(bad.letters.find((l: { letterId: string }) => l.letterId === 'legacy:notice:complainant')?.status).toBe(
      'failed',
    );
    expect(good.letters.find((l: { letterId: string }) => l.letterId === 'good:notice:complainant')?.status).toBe(
      'sent',
    );
    const mail = (await rt.call('GET', '/local/mail')).json as { to: string[]; text: string }[];
    expect(mail.filter((m) => m.text === 'Een gewone brief die nog niet weg was.').map((m) => m.to)).toEqual([
      ['bram@example.nl'],
    ]);
    // The next start does not try it again.
    rt.child.kill('SIGTERM');
    await rt.exited;
    const again = await start(data);
    expect(again.log()).not.toMatch(/ALARM LetterFailed/);
  });
});
