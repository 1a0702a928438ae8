import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintRegulation } from '../statemachines/lint.js';
import { loadRegulation, PRESETS_DIR, RegulationError } from '../statemachines/load.js';

// A regulation an organisation writes names its document (`document.file`) so that every quote
// is checked against it. Issue 16: the file was looked up in the presets folder, so a document next
// to the regulation, or at an absolute path, was never found and every quote check was silently
// skipped; a missing document went unnoticed too.

const SWT = join(PRESETS_DIR, 'swt-dordrecht.yaml');
const SWT_DOCUMENT = join(PRESETS_DIR, 'sources', '002_6a47674396fdbc4d.txt');
const TRUE_QUOTE = 'Soms kan het gebeuren dat u niet tevreden bent over de begeleiding';
const FALSE_QUOTE = 'Soms kan het gebeuren dat u heel erg tevreden bent over de begeleiding';

/** SWT Dordrecht written as an organisation's own file, with `document.file` set and one quote changed. */
function ownRegulation(documentFile: (dir: string) => string, quote = FALSE_QUOTE): string {
  const dir = mkdtempSync(join(tmpdir(), 'kf-doc-'));
  const text = readFileSync(SWT, 'utf8');
  expect(text).toContain(TRUE_QUOTE);
  const own = text
    .replace('file: sources/002_6a47674396fdbc4d.txt', `file: ${JSON.stringify(documentFile(dir))}`)
    .replace(TRUE_QUOTE, quote);
  const file = join(dir, 'regeling.yaml');
  writeFileSync(file, own);
  return file;
}

const quoteErrors = (file: string) =>
  lintRegulation(loadRegulation(file)).filter(
    (f) => f.level === 'error' && f.message.startsWith('Dit citaat staat niet in het document'),
  );

describe('regulation: its document', () => {
  it('is found next to the regulation file, and a quote it does not contain is an error', () => {
    const file = ownRegulation((dir) => {
      copyFileSync(SWT_DOCUMENT, join(dir, 'klachtenprocedure.txt'));
      return 'klachtenprocedure.txt';
    });
    expect(quoteErrors(file).map((f) => f.message)).toEqual([expect.stringContaining('heel erg tevreden')]);
  });

  it('is found at an absolute path', () => {
    const file = ownRegulation((dir) => {
      const doc = join(dir, 'elders.txt');
      copyFileSync(SWT_DOCUMENT, doc);
      return doc;
    });
    expect(quoteErrors(file)).toHaveLength(1);
  });

  it('with the quotes as the document has them, no quote errors', () => {
    const file = ownRegulation((dir) => {
      copyFileSync(SWT_DOCUMENT, join(dir, 'klachtenprocedure.txt'));
      return 'klachtenprocedure.txt';
    }, TRUE_QUOTE);
    expect(quoteErrors(file)).toEqual([]);
  });

  it('that does not exist is an error with its field path, not a silent skip', () => {
    const file = ownRegulation(() => 'bestaat-niet.txt');
    let error: unknown;
    try {
      loadRegulation(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RegulationError);
    const issues = (error as RegulationError).issues;
    expect(issues).toEqual([{ path: 'document.file', message: expect.stringContaining('bestaat-niet.txt') }]);
  });

  it('the presets still find theirs (sources/ next to them)', () => {
    for (const id of ['swt-dordrecht', 'ons-welzijn'])
      expect(lintRegulation(loadRegulation(id)).filter((f) => f.level === 'error')).toEqual([]);
  });
});
