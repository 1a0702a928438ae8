import { afterAll, describe, expect, it } from 'vitest';
import { submit } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// What complainants must be told at the start (PEOPLE.md): where free help is. Read from the local
// SES mailbox as they read it. Under the Wkkgz the complaints officer helps them free of charge
// (art. 15); under the Wmo the municipality's independent cliëntondersteuning does (ONS welzijn:
// browser-complainant-walk.test.ts).
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

async function acknowledgement(regulation: string): Promise<string> {
  const rt = await testRuntime(regulation, '2026-09-03T09:00:00+02:00');
  runtimes.push(rt);
  const s = await submit(rt);
  const mail = (await rt.mail()).find(
    (m) => m.to.includes(SANNE.complainant.email) && m.subject === `[${s.reference}] Wij hebben uw klacht ontvangen`,
  );
  expect(mail, regulation).toBeDefined();
  return mail?.text ?? '';
}

describe('the acknowledgement says where free help is', () => {
  it('Wkkgz (the example thuiszorg-de-linde): the complaints officer, by name, with phone and e-mail', async () => {
    const text = await acknowledgement('examples/thuiszorg-de-linde.yaml');
    expect(text).toContain('Wilt u hulp bij uw klacht? Onze klachtenfunctionaris Petra de Wit helpt u gratis.');
    expect(text).toContain('telefoon: 0318 123 457');
    expect(text).toContain('e-mail: klachtenfunctionaris@delinde.example');
    // Said once: the letter ends with her as its contact, so the offer of help does not repeat how
    // to reach her (before, both blocks gave the same number and address).
    expect(text.split('0318 123 457').length - 1, text).toBe(1);
    expect(text.split('klachtenfunctionaris@delinde.example').length - 1, text).toBe(1);
    expect(text).not.toContain('cliëntondersteuner');
  });
});
