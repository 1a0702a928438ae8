/**
 * cfn-lint, CloudFormation's own linter, over every template of `npm run synth` (the five
 * presets) and one full config (e-mail intake, officers, sender domain, alarms): what
 * CloudFormation would refuse, found before `cdk deploy`. No error may remain; every warning
 * is acknowledged with its reason in test/acknowledged/cfn-lint.yaml.
 *
 * cfn-lint is a Python tool: .ci/run installs the pinned version when it is missing, and this
 * test fails (never skips) without it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../lib/handlers.js';
import { FULL_STACK, type Synthesised, synthesised } from './support/synth.js';

/** The version .ci/run installs. */
const CFN_LINT_VERSION = '1.51.0';

interface Finding {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Location: { Path: (string | number)[] };
  Rule: { Id: string };
}
interface Acknowledged {
  rule: string;
  match: string;
  reason: string;
}

const acknowledged = parse(
  readFileSync(join(PROJECT_ROOT, 'test', 'acknowledged', 'cfn-lint.yaml'), 'utf8'),
) as Acknowledged[];

/** cfn-lint over the given templates for one region, its findings as JSON. */
function cfnLint(files: readonly string[], region: string): Finding[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--regions', region, '--', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error)
    throw new Error(
      `cfn-lint could not run (${run.error.message}); install it: pip install cfn-lint==${CFN_LINT_VERSION}`,
    );
  // Exit codes are a bit mask of the levels found; the JSON says what.
  return JSON.parse(run.stdout || '[]') as Finding[];
}

const where = (f: Finding) => `${f.Filename.split('/').pop()} ${f.Location.Path.join('/')}`;
const isAcknowledged = (f: Finding) =>
  acknowledged.some((a) => a.rule === f.Rule.Id && new RegExp(a.match).test(f.Message));

let synth: Synthesised;
let findings: Finding[];

beforeAll(() => {
  synth = synthesised();
  findings = [];
  const regions = [...new Set(synth.stacks.map((s) => s.region))];
  for (const region of regions)
    findings.push(
      ...cfnLint(
        synth.stacks.filter((s) => s.region === region).map((s) => s.file),
        region,
      ),
    );
}, 600_000);

describe('cfn-lint', () => {
  it('is the pinned version', () => {
    const version = execFileSync('cfn-lint', ['--version'], { encoding: 'utf8' }).trim();
    expect(version).toBe(`cfn-lint ${CFN_LINT_VERSION}`);
  });

  it('lints all five presets and the full config, each in its region', () => {
    expect(synth.stacks.map((s) => s.stackName)).toHaveLength(6);
    expect(synth.stacks.find((s) => s.stackName === FULL_STACK)?.region).toBe('eu-west-1');
    for (const s of synth.stacks.filter((x) => x.stackName !== FULL_STACK)) expect(s.region).toBe('eu-central-1');
  });

  it('finds no error in any template', () => {
    const errors = findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${where(f)}: ${f.Message}`);
    expect(errors).toEqual([]);
  });

  it('finds no warning that is not acknowledged with a reason', () => {
    const open = findings
      .filter((f) => f.Level !== 'Error' && !isAcknowledged(f))
      .map((f) => `${f.Rule.Id} ${where(f)}: ${f.Message}`);
    expect(open).toEqual([]);
  });

  it('keeps no acknowledgement that matches nothing any more', () => {
    for (const a of acknowledged) {
      expect(a.reason.length, a.rule).toBeGreaterThan(40);
      expect(
        findings.some((f) => f.Rule.Id === a.rule && new RegExp(a.match).test(f.Message)),
        `${a.rule} ${a.match}`,
      ).toBe(true);
    }
  });
});
