/**
 * The organisation's deployment settings: what is not in the regulation but differs per
 * account (where the service lives, who gets alarms, who signs in). Read from the file named by
 * `-c config=<file>` (YAML or JSON); a mistake fails synth with its field path.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatPath } from '../statemachines/load.js';
import type { Regulation } from '../statemachines/model.js';

const httpsUrl = z.url({ protocol: /^https$/, error: 'Use an https:// address, e.g. https://klachten.example.nl' });

/**
 * Regions inside the European Union. London (eu-west-2) and Zurich (eu-central-2) are in Europe
 * but outside the EU (both with an adequacy decision under GDPR art. 45): like any other region
 * they need `regionOutsideEu`, a reason written down by whoever chooses them.
 */
export const EU_REGIONS = ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2'] as const;

export const DeployConfigSchema = z
  .object({
    /**
     * The AWS region the stack lives in. Named here, never taken from the shell: the CDK CLI
     * always sets CDK_DEFAULT_REGION, and a forgotten profile would put dossiers of Dutch
     * clients in us-east-1.
     */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'An AWS region such as eu-central-1'),
    /** Why a region outside the EU is chosen (required for one; GDPR chapter V applies). */
    regionOutsideEu: z.string().min(20, 'Say in a sentence why the dossiers may live outside the EU').optional(),
    /** Where complainants and officers reach the service; links in letters point here (PUBLIC_URL). */
    publicUrl: httpsUrl,
    /**
     * The address letters come from. Defaults to the regulation's `organisation.senderAddress`;
     * SES must be allowed to send from it (see `senderDomain`).
     */
    sender: z.email().optional(),
    /**
     * Verify the whole domain in SES (DKIM records to publish) instead of the one sender address
     * (a confirmation mail to that address). Must be the sender's domain.
     */
    senderDomain: z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'A domain name such as example.nl')
      .optional(),
    /** Who receives alarms: failed ladders, breached deadlines, bounced letters, handler errors. */
    alarmEmails: z.array(z.email()).default([]),
    /** Officer accounts created in Cognito with an invitation mail, each in the groups of its roles. */
    officers: z.array(z.object({ email: z.email(), roles: z.array(z.string().min(1)).min(1) }).strict()).default([]),
    /** Origins allowed to call the API from a browser (CORS). Defaults to the origin of `publicUrl`. */
    corsOrigins: z.array(httpsUrl).optional(),
    /**
     * The prefix of the officers' hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`).
     * Defaults to `<stack name>-<account id>`.
     */
    signInDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'Lower-case letters, digits and hyphens, e.g. klachten-zorg')
      .refine((p) => !/aws|amazon|cognito/.test(p), 'Cognito refuses "aws", "amazon" and "cognito" in the prefix')
      .optional(),
    /**
     * Complaints by e-mail (SES receiving): off unless `enabled`. Mail to `recipients` (default:
     * the regulation's complaints addresses, see `intakeAddresses`) is stored in an encrypted
     * bucket and becomes a dossier, a message in one, or an item in the postvak. SES receiving
     * needs the domain verified, an MX record, and the rule set made active (README).
     */
    emailIntake: z
      .object({
        enabled: z.boolean().default(false),
        recipients: z.array(z.email()).min(1).optional(),
        /** Days raw mail and attachments are kept (at least the regulation's retention plus handling). */
        keepDays: z
          .number()
          .int()
          .min(30)
          .max(3650)
          .default(7 * 365),
        /** Bounce mail not sent over TLS. */
        requireTls: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: false, keepDays: 7 * 365, requireTls: true }),
    /**
     * The most API requests handled at once (the API function's reserved concurrency), so a flood
     * on the public form cannot starve the ladder's tasks and reminders of Lambda concurrency.
     * `null`: no reservation (an account still at the new-account quota of 10 concurrent
     * executions cannot reserve any: Lambda keeps 100 unreserved).
     */
    apiConcurrency: z.number().int().min(1).max(1000).nullable().default(50),
    /** The CloudFormation stack name. Defaults to `klachtflow-<regulation id>`. */
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,40}$/, 'Letters, digits and hyphens, at most 41 characters')
      .optional(),
  })
  .strict();
export type DeployConfig = z.infer<typeof DeployConfigSchema>;

/** A config file that cannot be used, with one line per problem. */
export class DeployConfigError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super([message, ...issues.map((i) => `  - ${i}`)].join('\n'));
    this.name = 'DeployConfigError';
  }
}

/** Validates settings against the schema and against the regulation they deploy. */
export function parseDeployConfig(data: unknown, regulation: Regulation, origin = 'config'): DeployConfig {
  const result = DeployConfigSchema.safeParse(data);
  if (!result.success) {
    throw new DeployConfigError(
      `${origin} is not a valid klachtflow deploy config:`,
      result.error.issues.map((i) => `${formatPath(i.path) || '(file)'}: ${i.message}`),
    );
  }
  const config = result.data;
  const issues: string[] = [];
  const roles = new Set(regulation.roles.map((r) => r.id));
  config.officers.forEach((o, i) => {
    o.roles.forEach((role, j) => {
      if (!roles.has(role))
        issues.push(
          `officers[${i}].roles[${j}]: "${role}" is not a role of ${regulation.id} (${[...roles].join(', ')})`,
        );
    });
  });
  if (!(EU_REGIONS as readonly string[]).includes(config.region) && !config.regionOutsideEu)
    issues.push(
      `region: ${config.region} is outside the EU (${EU_REGIONS.join(', ')}); dossiers hold health and family data of Dutch clients. Choose an EU region, or say why in regionOutsideEu`,
    );
  const sender = senderOf(config, regulation);
  if (config.senderDomain && !sender.toLowerCase().endsWith(`@${config.senderDomain.toLowerCase()}`))
    issues.push(`senderDomain: the sender ${sender} is not an address of ${config.senderDomain}`);
  if (config.emailIntake.enabled && !regulation.intake.variants.some((v) => v.channels.includes('email')))
    issues.push(
      `emailIntake.enabled: no intake variant of ${regulation.id} accepts e-mail (channels); new complaints by mail would all be held`,
    );
  if (issues.length) throw new DeployConfigError(`${origin} does not fit regulation ${regulation.id}:`, issues);
  return config;
}

/** Reads and validates a config file (.yaml, .yml or .json). */
export function loadDeployConfig(file: string, regulation: Regulation): DeployConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DeployConfigError(`Cannot read the config file ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new DeployConfigError(
      `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
    );
  }
  return parseDeployConfig(data, regulation, path);
}

/** The address letters come from. */
export function senderOf(config: DeployConfig, regulation: Regulation): string {
  return config.sender ?? regulation.organisation.senderAddress;
}

/** Where `npm run synth` (the example config) puts the stacks: Frankfurt. */
export const EXAMPLE_REGION = 'eu-central-1';

/** Placeholder settings for synthesising without a config (`npm run synth`); not for deploying. */
export function exampleDeployConfig(regulation: Regulation): DeployConfig {
  return parseDeployConfig(
    { region: EXAMPLE_REGION, publicUrl: 'https://klachten.example.org' },
    regulation,
    'example config',
  );
}
