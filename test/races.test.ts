/**
 * An officer's decision and the complainant's withdrawal at the same moment (issue 14: both got
 * 200 and the decision disappeared from the dossier, 4 rounds of 12). Whoever is recorded first
 * wins; an answer 200 means it is in the dossier, and the one that could not be recorded gets 409.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDossierStore } from '../lambdas/adapters/dynamodb-store.js';
import { dossier } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

/** The dossier's events straight from the runtime's table (reading only). */
async function eventsOf(rt: TestRuntime, id: string): Promise<any[]> {
  const { dynamodb, region, tableName } = rt.endpoints;
  const client = new DynamoDBClient({
    endpoint: dynamodb,
    region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  return new DynamoDossierStore(client, tableName).events(id);
}

describe('races: a decision and a withdrawal at once', () => {
  it('12 rounds: a 200 is always in the dossier, the loser gets 409, the history says what happened', {
    timeout: 120_000,
  }, async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 12; round++) {
      const k = (await rt.call('POST', '/complaints', { body: { ...SANNE, description: `Ronde ${round}` } })).json;
      await rt.advance('PT0S');
      expect((await dossier(rt, k.id)).currentStep?.id).toBe('admissibility');
      const [decision, withdrawal] = await Promise.all([
        rt.call('POST', `/dossiers/${k.id}/actions`, {
          token: rt.officers.officer,
          body: { type: 'outcome', stepId: 'admissibility', outcome: 'admissible' },
        }),
        rt.call('POST', `/complaints/${k.id}/withdraw`, { token: k.accessToken, body: { reason: 'Opgelost.' } }),
      ]);
      await rt.advance('PT0S');
      const events = await eventsOf(rt, k.id);
      const d = await dossier(rt, k.id);
      const decided = events.some(
        (e: any) => e.type === 'step.ended' && e.data.stepId === 'admissibility' && e.data.outcome === 'admissible',
      );
      const withdrawn = events.some((e: any) => e.type === 'withdrawn');
      outcomes.push(`${decision.status}/${withdrawal.status}`);
      // An answer 200 is in the dossier; an answer that is not in the dossier is a 409.
      expect(
        decision.status === 200,
        `round ${round}: decision ${decision.status} ${decision.json?.error?.message ?? ''}`,
      ).toBe(decided);
      expect(
        withdrawal.status === 200,
        `round ${round}: withdrawal ${withdrawal.status} ${withdrawal.json?.error?.message ?? ''}`,
      ).toBe(withdrawn);
      if (!decided) expect(decision.status).toBe(409);
      if (!withdrawn) expect(withdrawal.status).toBe(409);
      expect(decided || withdrawn).toBe(true);
      // The history in words says both, in the order they happened.
      const history = d.history.map((h: any) => h.text).join('\n');
      if (withdrawn) expect(history).toMatch(/ingetrokken/i);
      if (decided && withdrawn) {
        const decidedAt = events.findIndex((e: any) => e.type === 'step.ended' && e.data.outcome === 'admissible');
        expect(decidedAt).toBeLessThan(events.findIndex((e: any) => e.type === 'withdrawn'));
      }
    }
    // Both orders occur over the rounds; neither side always wins by construction.
    expect(outcomes.length).toBe(12);
  });
});
