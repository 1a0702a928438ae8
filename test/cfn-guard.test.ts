/**
 * cfn-guard with the AWS Control Tower proactive controls (the rules and the binary that
 * @cdklabs/cdk-validator-cfnguard ships) over every template of `npm run synth` and the full
 * config: every finding fixed, or acknowledged with its reason in test/acknowledged/cfn-guard.yaml.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Every rule file the package ships, with each resource type (`AWS::Service::Resource`) it names. */
const RULE_FILES: readonly { file: string; types: readonly string[] }[] = readdirSync(RULES, {
  recursive: true,
  encoding: 'utf8',
})
  .filter((f) => f.endsWith('.guard'))
  .sort()
  .map((f) => {
    const file = join(RULES, f);
    return { file, types: [...new Set(readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [])] };
  });

/**
 * The rule files that can judge these templates: those naming a resource type one of them holds,
 * and any that names no type at all. Every Control Tower rule selects its resources by type
 * (`Resources.*[ Type == %RESOURCE_TYPE ]`) and skips a template without them, so the rest can
 * find nothing here; cfn-guard spent 31 of its 36 CPU seconds over the six templates on the 190
 * rule files of services klachtflow does not use (2026-12-03: 237 files against 47, the same
 * JSON report for every template, non-compliant clause for clause).
 */
function rulesFor(files: readonly string[]): string[] {
  const types = new Set<string>();
  for (const f of files) {
    const template = JSON.parse(readFileSync(f, 'utf8')) as { Resources?: Record<string, { Type?: string }> };
    for (const r of Object.values(template.Resources ?? {})) if (r.Type) types.add(r.Type);
  }
  return RULE_FILES.filter((r) => r.types.length === 0 || r.types.some((t) => types.has(t))).map((r) => r.file);
}

/** Runs cfn-guard over the templates and lists each (control, resource, template) that fails. */
function cfnGuard(files: readonly string[], rules: readonly string[] = rulesFor(files)): GuardFinding[] {
  const run = spawnSync(
    GUARD,
    [
      'validate',
      ...rules.flatMap((r) => ['--rules', r]),
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
    // Only the rule files of these two types were run, and every rule file finds no more.
    expect(rulesFor([file]).length).toBeLessThan(RULE_FILES.length / 4);
    expect(
      cfnGuard([file], [RULES])
        .map((f) => `${f.control} ${f.resource}`)
        .sort(),
    ).toEqual([...found].sort());
  });

  it('leaves out only rule files that find nothing: all of them over one resource of every type the templates hold find the same', () => {
    // The first resource of each type from every template, under its own name: a small template
    // that cfn-guard with all 237 rule files judges in about a second.
    const resources: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (const s of synth.stacks)
      for (const [name, r] of Object.entries(s.template.Resources))
        if (!seen.has(r.Type)) {
          seen.add(r.Type);
          resources[name] = r;
        }
    const file = join(mkdtempSync(join(tmpdir(), 'klachtflow-guard-')), 'sample.template.json');
    writeFileSync(file, JSON.stringify({ Resources: resources }));
    const key = (f: GuardFinding) => `${f.control} ${f.resource}`;
    const filtered = cfnGuard([file]).map(key).sort();
    expect(filtered.length).toBeGreaterThan(0);
    expect(cfnGuard([file], [RULES]).map(key).sort()).toEqual(filtered);
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
