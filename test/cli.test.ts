import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PRESET_IDS } from '../statemachines/load.js';
import { klachtflowCli } from './support/process.js';

/** Runs the command, as `npx klachtflow` does, from the project root (compiled for this run: support/cli-bundle.ts). */
function klachtflow(...args: string[]) {
  const r = spawnSync(process.execPath, [klachtflowCli(), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Each test runs the command once per preset or subcommand, a Node process each (about 1 s alone;
// over 60 s for the --help test with another file beside it on a busy 2-core machine).
describe('cli: klachtflow', { timeout: 300_000 }, () => {
  it('--help on the command and on every subcommand', () => {
    for (const args of [
      [],
      ['regulation'],
      ['regulation', 'list'],
      ['regulation', 'show'],
      ['regulation', 'lint'],
      ['deadline'],
      ['start'],
    ]) {
      const r = klachtflow(...args, '--help');
      expect(r.code, args.join(' ')).toBe(0);
      // In Dutch, commander's own words too (they were "Usage:", "Options:", "display help for command").
      expect(r.out).toContain('Gebruik: klachtflow');
      expect(r.out).toContain('Opties:');
      expect(r.out).not.toMatch(/\b(Usage|Options|Commands|Arguments|display help|for command|\[options\])\b/);
    }
  });

  it('regulation list names the five presets', () => {
    const r = klachtflow('regulation', 'list', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((x: { id: string }) => x.id)).toEqual([...PRESET_IDS]);
  });

  it('regulation show prints JSON with --json and the ladder in words without', () => {
    const json = klachtflow('regulation', 'show', 'oco-almere', '--json');
    expect(JSON.parse(json.out).organisation.name).toBe('OCO Almere');
    const text = klachtflow('regulation', 'show', 'oco-almere');
    expect(text.out).toContain('3 werkdagen na ontvangst van de klacht');
    // The ladder in words, not the file's ids (they printed "→ next", "[officer]", "client").
    for (const id of PRESET_IDS) {
      // oco-almere's ladder in words is the one just shown: not a process more for the same output.
      const words = id === 'oco-almere' ? text : klachtflow('regulation', 'show', id);
      const shown = words.out.split('Nog niet in het model:')[0] ?? '';
      expect(shown, id).not.toMatch(
        /→ (next|close|choice|rung:|step:)|\[(system|complainant|officer|coordinator)\]|\b(client|parent|after-rung|any-time|statutory|external-committee|disputes-body)\b/,
      );
    }
  });

  it('regulation lint exits 0 for each preset and 1 with the field path for a broken file', () => {
    for (const id of PRESET_IDS) expect(klachtflow('regulation', 'lint', id).code, id).toBe(0);
    const r = klachtflow('regulation', 'lint', 'test/fixtures/broken-regulation.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toContain('organisation.senderAddress');
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('deadline --json gives lastDay, dueAt and the explanation', () => {
    const r = klachtflow('deadline', '2026-09-03', '1 week', '--json');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d).toMatchObject({ lastDay: '2026-09-10', dueAt: '2026-09-10T21:59:59Z' });
    expect(d.explanation.calendarVersion).toMatch(/^nl-atw/);
  });

  it('deadline --no-atw keeps a Saturday', () => {
    expect(JSON.parse(klachtflow('deadline', '2026-10-24', 'zes weken', '--no-atw', '--json').out).lastDay).toBe(
      '2026-12-05',
    );
    expect(JSON.parse(klachtflow('deadline', '2026-10-24', 'zes weken', '--json').out).lastDay).toBe('2026-12-07');
  });

  it('an unreadable term or date exits 2 and says why', () => {
    const r = klachtflow('deadline', '2026-09-03', 'x y z', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toContain('"x" is geen aantal');
    expect(klachtflow('deadline', '3-9-2026', '1 week').code).toBe(2);
    expect(klachtflow('deadline', '2026-02-30', '1 week').code).toBe(2);
  });

  it('commander’s own errors are Dutch: unknown option or command, a missing argument or value, too many', () => {
    // Before: "error: unknown option '--bogus'", "error: missing required argument 'regeling'",
    // "(Did you mean show?)", ... (issue 17).
    const cases: [string[], RegExp][] = [
      [['--bogus'], /^klachtflow: onbekende optie --bogus\.$/m],
      [['regulation', 'show', 'ons-welzijn', '--jsn'], /^klachtflow: onbekende optie --jsn\. Bedoelt u --json\?$/m],
      [['nonsense'], /^klachtflow: onbekende opdracht nonsense\.$/m],
      [['regulation', 'shwo'], /^klachtflow: onbekende opdracht shwo\. Bedoelt u show\?$/m],
      [['regulation', 'show'], /^klachtflow: <regeling> ontbreekt\.$/m],
      [['report', '--from'], /^klachtflow: bij --from <datum> hoort een waarde\.$/m],
      [['report', '--from', '2026-01-01'], /^klachtflow: --to <datum> is verplicht\.$/m],
      [['regulation', 'show', 'a', 'b'], /^klachtflow: te veel waarden voor show: verwacht 1, gekregen 2\.$/m],
    ];
    for (const [args, dutch] of cases) {
      const r = klachtflow(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(dutch);
      expect(r.err, args.join(' ')).toContain('(meer weten: voeg --help toe)');
      expect(r.err, args.join(' ')).not.toMatch(
        /\b(error|unknown|missing|required|argument|option|too many|Expected|Did you mean|invalid|not specified)\b/,
      );
    }
  });
});
