// biome-ignore-all lint/suspicious/noExplicitAny: the test reaches into the runtime's store to count its reads
/**
 * Recovery at start reads what may need finishing, not history (#19: "`recoverIntake` reads every
 * dossier at start"). The open dossiers (the worklist) and the closed ones with a letter still
 * queued (their own index) are read; a closed dossier with nothing pending is not. Counted on the
 * runtime's own store: dossiers loaded and DynamoDB requests sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBody } from '../lambdas/domain/dossier.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
});
afterAll(async () => rt?.stop());

describe('recovery at start: reads what is pending, not every dossier', () => {
  it('loads the open dossiers and the closed one whose letter waits, and sends that letter', async () => {
    // Prepare: 12 complaints, 9 of them withdrawn (closed, their letters sent).
    const made: { id: string; token: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await rt.call('POST', '/complaints', { body: { ...SANNE, description: `Klacht ${i + 1}.` } });
      expect(r.status).toBe(201);
      made.push({ id: r.json.id, token: r.json.accessToken });
    }
    for (const m of made.slice(0, 9)) {
      const r = await rt.call('POST', `/complaints/${m.id}/withdraw`, {
        body: { reason: 'Niet meer nodig.' },
        token: m.token,
      });
      expect(r.status).toBe(200);
    }
    const store = (rt.procedure as any).deps.store;
    // A crash after a letter to a closed dossier was decided and stored, before it was sent: the
    // event is appended as the outbox does, and nothing sends it.
    const crashed = made[0]?.id as string;
    const view = await store.load(crashed);
    expect(view.status).toBe('closed');
    const letter: EventBody = {
      type: 'letter.queued',
      data: {
        letterId: 'na-de-crash',
        kind: 'closure',
        audience: 'complainant',
        recipients: ['complainant'],
        to: ['sanne@example.nl'],
        from: 'klachten@example.nl',
        subject: 'Een brief die op verzending wachtte',
        text: 'Tekst.',
        html: '<p>Tekst.</p>',
        undeliverable: [],
      },
    } as EventBody;
    await store.append(crashed, view.version, [letter], 'klachtflow', '2026-09-03T08:00:00Z', view);

    // Act: recovery, counting what it reads.
    const loaded: string[] = [];
    const requests: Record<string, number> = {};
    const load = store.load.bind(store);
    const send = store.doc.send.bind(store.doc);
    store.load = (id: string) => {
      loaded.push(id);
      return load(id);
    };
    store.doc.send = (command: any) => {
      const name = command.constructor.name;
      requests[name] = (requests[name] ?? 0) + 1;
      return send(command);
    };
    try {
      await rt.procedure.recoverIntake();
    } finally {
      store.load = load;
      store.doc.send = send;
    }

    // Assess: the 3 open dossiers and the 1 with a waiting letter (read again to record the letter
    // as sent); not the 8 others.
    console.log('recovery reads:', { loaded: loaded.length, requests });
    expect(new Set(loaded)).toEqual(new Set([...made.slice(9).map((m) => m.id), crashed]));
    const mail = await rt.mail();
    expect(mail.filter((m) => m.subject === 'Een brief die op verzending wachtte')).toHaveLength(1);
    // Sent, so it is pending no more: the next start reads only the open ones.
    loaded.length = 0;
    store.load = (id: string) => {
      loaded.push(id);
      return load(id);
    };
    try {
      await rt.procedure.recoverIntake();
    } finally {
      store.load = load;
    }
    expect(new Set(loaded)).toEqual(new Set(made.slice(9).map((m) => m.id)));
  });
});
