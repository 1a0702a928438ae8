/**
 * The erasure's mark (AVG art. 5 lid 1 onder e; adapters/dynamodb-store.ts markErasing) is put
 * before the closing commit, so a crash between that commit and its schedule leaves it for the
 * recovery. A closing commit that lost its race and is decided again (the close task against the
 * API recording the officer's letters, about 0.75 times a complaint in the simulated year) needs
 * no second mark from the same store a moment later (#19): the first is still there, and the
 * recovery does not look at a mark younger than its grace (INTAKE_RECOVERY_GRACE_SECONDS).
 * Judged on the store's commands and the index the recovery reads.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDossierStore, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import type { DossierView } from '../lambdas/domain/dossier.js';
import { Core } from '../lambdas/domain/procedure/core.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { loadRegulation } from '../statemachines/load.js';
import { receivedEvent } from './support/events.js';

const reg = loadRegulation('ons-welzijn');
const AT = '2026-09-03T09:00:00Z';

const received = receivedEvent(reg.id, AT);

describe('the erasure mark of a closing commit decided again after a lost race', () => {
  it('is put once, and is in the recovery’s index from before the commit until the schedule is made', async () => {
    const memory = new MemoryDynamoDb();
    memory.createTable(tableDefinition('dossiers'));
    const marks: string[] = [];
    const client = {
      send: (command: { constructor: { name: string }; input: Record<string, any> }) => {
        if (command.constructor.name === 'PutCommand' && String(command.input.Item?.pk).startsWith('ERASING#'))
          marks.push(String(command.input.Item.pk));
        return memory.send(command);
      },
    };
    const closer = new DynamoDossierStore(client as never, 'dossiers');
    const api = new DynamoDossierStore(client as never, 'dossiers');
    const first = await closer.create('d1', [received], 'klachtflow-intake', AT, {
      reference: 'KL-d1',
      regulationId: reg.id,
    });
    // The API records something first (another Lambda): the closer's decision on `first` clashes.
    await api.append('d1', 1, [{ type: 'message', data: { from: 'officer', text: 'Tussendoor.' } }], 'anna', AT);
    const markedWhenScheduled: boolean[] = [];
    const core = new Core({
      regulation: reg,
      store: closer,
      mailer: { send: async () => ({ messageId: 'm' }) },
      reminders: {
        schedule: async () => {
          markedWhenScheduled.push((await closer.erasuresUnconfirmed(reg.id, '\uffff')).includes('d1'));
          return true;
        },
        cancel: async () => {},
      },
      workflow: { start: async () => 'arn', succeed: async () => {}, stop: async () => {} },
      clock: { now: () => new Date(AT) },
      urls: {
        status: (id, token) => `http://127.0.0.1/klacht/${id}/${token}`,
        dossier: (id) => `http://127.0.0.1/d/${id}`,
      },
    });
    let decisions = 0;
    const closed = await core.mutate(
      'd1',
      'klachtflow-close',
      (v: DossierView) => {
        decisions++;
        if (v.status !== 'open') return [];
        return [
          { type: 'closed', data: { result: 'resolved', reason: 'Opgelost.' } },
          { type: 'retention.scheduled', data: { name: 'wis-d1', at: '2028-09-03T09:00:00Z' } },
        ];
      },
      first,
    );
    expect(decisions).toBe(2);
    expect(closed.status).toBe('closed');
    expect(closed.version).toBe(4);
    expect(markedWhenScheduled).toEqual([true]);
    expect(marks).toEqual(['ERASING#d1']);
    // Made: the mark leaves the index.
    expect(await closer.erasuresUnconfirmed(reg.id, '\uffff')).toEqual([]);
  });
});
