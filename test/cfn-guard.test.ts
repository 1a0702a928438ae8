/**
 * cfn-guard with the AWS Control Tower proactive controls (the rules and the binary that
 * @cdklabs/cdk-validator-cfnguard ships) over every template of `npm run synth` and the full
 * config: every finding fixed, or acknowledged with its reason in test/acknowledged/cfn-guard.yaml.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../lib/handlers.js';
import { type Synthesised, synthesised } from './support/synth.js';

const require = createRequire(import.meta.url);
const PACKAGE = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES = join(PACKAGE, 'rules', 'control-tower', 'cfn-guard');
/** The binary the package ships for this machine (as its own plugin picks it). */
const GUARD = join(
  PACKAGE,
  'bin',
  platform() === 'darwin' ? 'macos' : 'ubuntu',
  arch() === 'arm64' ? 'aarch64' : 'x86_64',
  'cfn-guard',
);

interface Acknowledged {
  rule: string;
  resources: string;
  reason: string;
}
const acknowledged = parse(
  readFileSync(join(PROJECT_ROOT, 'test', 'acknowledged', 'cfn-guard.yaml'), 'utf8'),
) as Acknowledged[];

/** One finding: a control, the resource it fails on, the template. */
interface GuardFinding {
  control: string;
  resource: string;
  template: string;
}

/** Runs cfn-guard over the templates and lists each (control, resource, template) that fails. */
function cfnGuard(files: readonly string[]): GuardFinding[] {
  const run = spawnSync(
    GUARD,
    [
      'validate',
      '--rules',
      RULES,
      ...files.flatMap((f) => ['--data', f]),
      '--output-format',
      'json',
      '--structured',
      '--show-summary',
      'none',
    ],
    { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
  );
  if (run.error) throw run.error;
  // Exit 19: some rule failed; 0: none did; anything else: guard itself failed.
  if (run.status !== 0 && run.status !== 19) throw new Error(`cfn-guard exited ${run.status}: ${run.stderr}`);
  const reports = JSON.parse(run.stdout) as { name: string; not_compliant?: unknown[] }[];
  const found = new Map<string, GuardFinding>();
  // A failing rule nests clauses; the control is named in a custom message, the resource in each path.
  const walk = (node: unknown, control: string | undefined, template: string): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, control, template);
      return;
    }
    const o = node as Record<string, unknown>;
    const message = (o.messages as { custom_message?: string } | undefined)?.custom_message;
    const id = message && /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(message)?.[1];
    const here = id || control;
    for (const [k, v] of Object.entries(o)) {
      const resource = k === 'path' && typeof v === 'string' ? /^\/Resources\/([^/]+)/.exec(v)?.[1] : undefined;
      if (resource && here) found.set(`${here} ${resource} ${template}`, { control: here, resource, template });
      else walk(v, here, template);
    }
  };
  for (const r of reports)
    for (const nc of r.not_compliant ?? []) walk(nc, undefined, r.name.split('/').pop() ?? r.name);
  return [...found.values()];
}

const isAcknowledged = (f: GuardFinding) =>
  acknowledged.some((a) => a.rule === f.control && new RegExp(a.resources).test(f.resource));

let synth: Synthesised;
let findings: GuardFinding[];

beforeAll(() => {
  synth = synthesised();
  findings = cfnGuard(synth.stacks.map((s) => s.file));
}, 600_000);

describe('cfn-guard: AWS Control Tower proactive controls', () => {
  it('has the binary and the rules the package ships', () => {
    expect(existsSync(GUARD), GUARD).toBe(true);
    const version = spawnSync(GUARD, ['--version'], { encoding: 'utf8' }).stdout;
    expect(version).toMatch(/^cfn-guard 3\./);
  });

  it('finds what it should: a queue without a dead-letter queue, a key without the grant guard', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klachtflow-guard-'));
    const file = join(dir, 'bad.template.json');
    writeFileSync(
      file,
      JSON.stringify({
        Resources: {
          Plain: { Type: 'AWS::SQS::Queue', Properties: {} },
          Key: {
            Type: 'AWS::KMS::Key',
            Properties: {
              KeyPolicy: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { AWS: 'arn:aws:iam::123456789012:root' },
                    Action: 'kms:*',
                    Resource: '*',
                  },
                ],
              },
            },
          },
        },
      }),
    );
    const found = cfnGuard([file]).map((f) => `${f.control} ${f.resource}`);
    expect(found).toEqual(expect.arrayContaining(['CT.SQS.PR.1 Plain', 'CT.KMS.PR.3 Key']));
  });

  it('leaves no finding unacknowledged', () => {
    const open = findings.filter((f) => !isAcknowledged(f)).map((f) => `${f.control} ${f.resource} (${f.template})`);
    expect(open).toEqual([]);
  });

  it('keeps no acknowledgement that matches nothing any more', () => {
    for (const a of acknowledged) {
      expect(a.reason.length, a.rule).toBeGreaterThan(40);
      expect(
        findings.some((f) => f.control === a.rule && new RegExp(a.resources).test(f.resource)),
        `${a.rule} ${a.resources}`,
      ).toBe(true);
    }
  });
});
