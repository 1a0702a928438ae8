/**
 * Events a test writes straight into a dossier store, below the procedure: a complaint received
 * and officers' task letters queued (test/task-calls, test/letter-lease, test/erasure-mark-once).
 */
import type { EventBody } from '../../lambdas/domain/dossier.js';

/** A complaint received by the form, with the fields the view needs. */
export function receivedEvent(regulationId: string, receivedAt: string): EventBody {
  return {
    type: 'received',
    data: {
      reference: 'KL-2026-0001',
      regulationId,
      variant: 'standaard',
      channel: 'web',
      startRung: 'x',
      receivedAt,
      complainant: { name: 'Sanne de Vries', email: 'sanne@example.nl' },
      role: 'client',
      description: 'Een klacht.',
      accessTokenHash: 'h',
    },
  };
}

/** The `n`th task letter to an officer, queued: its own address, subject and text. */
export function taskLetter(n: number): EventBody {
  return {
    type: 'letter.queued',
    data: {
      letterId: `brief-${n}`,
      kind: 'task',
      audience: 'officer',
      recipients: ['klachtenfunctionaris'],
      to: [`functionaris${n}@example.nl`],
      from: 'klachten@example.nl',
      subject: `Brief ${n}`,
      text: `Tekst ${n}`,
      html: `<p>Tekst ${n}</p>`,
      undeliverable: [],
    },
  };
}
