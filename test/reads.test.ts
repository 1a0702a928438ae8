/**
 * The read log (#19): every officer view records a read and shows who read the dossier. The view
 * read back every read ever recorded, so a dossier got slower with every view (a year of daily
 * views: hundreds of items per view). It now reads the latest READS_SHOWN, newest first, with a limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READS_SHOWN } from '../lambdas/adapters/dynamodb-store.js';
import { submit } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
});
afterAll(async () => {
  await rt.stop();
});

describe('read log: the latest reads, not all of them', () => {
  it(`shows the latest ${READS_SHOWN} reads, oldest first, and says there were more`, async () => {
    const s = await submit(rt);
    const views = READS_SHOWN + 5;
    let last: any;
    for (let i = 0; i < views; i++) {
      if (i === views - 1) await rt.advance('PT1H'); // the last view an hour later: it must be the one shown last
      const role = i === views - 1 ? 'manager' : 'officer';
      last = (await rt.call('GET', `/dossiers/${s.id}`, { token: rt.officers[role] })).json;
    }
    expect(last.reads).toHaveLength(READS_SHOWN);
    expect(last.readsMore).toBe(true);
    expect(last.reads.at(-1)).toMatchObject({ by: 'manager@local', what: 'dossier' });
    const times = last.reads.map((r: { at: string }) => r.at);
    expect([...times].sort()).toEqual(times);
  }, 60_000);
});
