import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS_DIR } from '../statemachines/load.js';
import { submit } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// A regulation that keeps dossiers "ten minste" a period (issue 16: the model had no way to say it,
// and `atLeast` was dropped without a word). klachtflow erases at the end of that minimum (AVG art. 5
// lid 1 onder e) and the dossier's history says it was a minimum.

let rt: TestRuntime;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kf-retention-'));
  const text = readFileSync(join(PRESETS_DIR, 'ons-welzijn.yaml'), 'utf8');
  const own = text
    .replace('file: sources/', `file: ${join(PRESETS_DIR, 'sources')}/`)
    .replace(
      /retention:\n {2}term: twee jaar\n {2}after: closure\n/,
      'retention:\n  term: twee jaar\n  after: closure\n  atLeast: true\n',
    );
  expect(own).toContain('atLeast: true');
  const file = join(dir, 'ons-welzijn-eigen.yaml');
  writeFileSync(file, own);
  rt = await testRuntime(file, '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('retention: at least a period', () => {
  it('is kept in the model, erases at the end of the minimum, and the history says it was a minimum', async () => {
    expect(rt.regulation.retention).toMatchObject({ atLeast: true });
    const s = await submit(rt);
    const w = await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: {} });
    expect(w.status, w.text).toBe(200);
    await rt.advance('PT0S');
    const d = (await rt.call('GET', `/dossiers/${s.id}`, { token: rt.officers.officer })).json;
    const line = d.history.map((h: { text: string }) => h.text).find((t: string) => t.startsWith('Wordt bewaard tot'));
    expect(line).toContain('zondag 3 september 2028');
    expect(line).toContain('ten minste 2 jaar na afsluiting');
  });
});
