/**
 * What a deployed stack costs while idle, from its synthesised CloudFormation template: every
 * resource type that bills by the month, counted, times its unit price. `fixedMonthlyCost`
 * gives the itemised lines; `UNIT_PRICES` is the dated price table with the pricing page of
 * each price, for the per-complaint cost too (usage counts come from the simulation).
 *
 *   npx tsx bench/cost.ts                 # ons-welzijn, a table
 *   npx tsx bench/cost.ts swt-dordrecht --json
 *
 * The prices are AWS's list prices for eu-west-1 (Ireland). This machine cannot reach AWS, so they
 * were checked against copies of AWS's machine-readable price list for eu-west-1 kept in public
 * repositories (published 2026-09-11 to 2026-10-02) and stored copies of the pricing pages; each
 * price's `checked` says what confirmed it, or that nothing did for this region. Changes after
 * early October 2026 cannot be seen here. Free tiers are shown separately, since they depend on
 * the account.
 */

/** When the table was written, and for which region. */
export const PRICES_AS_OF = {
  date: '2026-11-23',
  region: 'eu-west-1',
  basis: 'AWS-prijslijst eu-west-1 van sept./okt. 2026, niet live opgehaald',
};

export interface UnitPrice {
  /** USD per unit. */
  usd: number;
  unit: string;
  /** What is free each month (the free tier), if anything. */
  free?: string;
  source: string;
  /** What confirmed the price for the region, or that nothing did. */
  checked: string;
}

/** The unit prices klachtflow's resources are billed by (eu-west-1). */
export const UNIT_PRICES = {
  kmsKey: {
    usd: 1.0,
    unit: 'customer-managed key per month',
    free: 'none; each of the first two yearly rotations adds $1/month to the key',
    source: 'https://aws.amazon.com/kms/pricing/',
    checked:
      'pricing page: $1/month per key, +$1/month for each of the first two rotations; no eu-west-1 price-list row seen',
  },
  cloudwatchAlarm: {
    usd: 0.1,
    unit: 'standard-resolution alarm metric per month',
    free: '10 alarms',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02)',
  },
  cognitoEssentialsMau: {
    usd: 0.015,
    unit: 'monthly active user (Essentials)',
    free: '10 000 monthly active users',
    source: 'https://aws.amazon.com/cognito/pricing/',
    checked:
      'pricing page example ($0.015 above 10 000 MAU); price-list rows for eu-west-2, us-east-1 and others, not eu-west-1',
  },
  secret: {
    usd: 0.4,
    unit: 'secret per month',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02)',
  },
  dashboard: {
    usd: 3.0,
    unit: 'dashboard per month',
    free: '3 dashboards',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    checked: 'free tier on the pricing page; the $3 only second-hand (dashboards are priced account-wide)',
  },
  dynamodbStorage: {
    usd: 0.283,
    unit: 'GB-month stored',
    free: '25 GB',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02)',
  },
  dynamodbPitr: {
    usd: 0.22,
    unit: 'GB-month backed up (PITR)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02)',
  },
  dynamodbWrite: {
    usd: 0.705 / 1e6,
    unit: 'write request unit (on demand)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02)',
  },
  dynamodbRead: {
    usd: 0.1415 / 1e6,
    unit: 'read request unit (on demand)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02)',
  },
  stateTransition: {
    usd: 0.025 / 1000,
    unit: 'state transition (Standard)',
    free: '4 000 transitions',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    checked: 'pricing page, Europe (Ireland) row: $0.0250 per 1 000',
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'Lambda request',
    free: '1 million requests',
    source: 'https://aws.amazon.com/lambda/pricing/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02)',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second (arm64)',
    free: '400 000 GB-seconds',
    source: 'https://aws.amazon.com/lambda/pricing/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02); the first 7.5 billion GB-seconds',
  },
  httpApiRequest: {
    usd: 1.11 / 1e6,
    unit: 'HTTP API request',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02); the first 300 million',
  },
  // SES bills per recipient. Accounts made since 2026-07-21 start on the Essentials plan
  // ($0.16 per 1 000, us-east-1); pay-per-use is $0.10 per 1 000. The higher one is used, so the
  // estimate errs high; an account on pay-per-use pays less.
  sesEmail: {
    usd: 0.16 / 1000,
    unit: 'e-mail recipient (Essentials plan)',
    source: 'https://aws.amazon.com/ses/pricing/',
    checked:
      "SES plans from AWS's us-east-1 price list (2026-08-13); Essentials is the default for new accounts; no eu-west-1 figure seen",
  },
  schedulerInvocation: {
    usd: 1.0 / 1e6,
    unit: 'schedule invocation',
    free: '14 million invocations',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    checked: "a third-party report quoting AWS's price list (2026-08-16); not seen first-hand",
  },
  logsIngested: {
    usd: 0.57,
    unit: 'GB of logs ingested',
    free: '5 GB',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    checked:
      'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02); the 5 GB free is shared with archive storage and Logs Insights',
  },
  logsStored: {
    usd: 0.03,
    unit: 'GB-month of logs stored',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    checked: 'AWS price list eu-west-1 (copy published 2026-09-11 to 2026-10-02)',
  },
  xrayTrace: {
    usd: 5.0 / 1e6,
    unit: 'trace recorded',
    free: '100 000 traces',
    source: 'https://aws.amazon.com/xray/pricing/',
    checked: 'pricing page (no region named); not confirmed for eu-west-1',
  },
} as const satisfies Record<string, UnitPrice>;

export interface CostLine {
  /** The CloudFormation type counted. */
  type: string;
  count: number;
  price: UnitPrice;
  /** count × price, USD per month, before any free tier. */
  monthlyUsd: number;
  /** The same after the monthly free tier (an account that uses it for nothing else). */
  monthlyUsdAfterFreeTier: number;
  note?: string;
}

type Template = { Resources?: Record<string, { Type: string }> };

/** How many resources of each CloudFormation type the template has. */
export function countResources(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(template.Resources ?? {})) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  return counts;
}

/** Resource types that bill by the month whether or not anything happens, and how. */
const FIXED: Record<string, { price: UnitPrice; freeUnits?: number; note?: string }> = {
  'AWS::KMS::Key': {
    price: UNIT_PRICES.kmsKey,
    note: 'rises to $2 after the first and $3 after the second yearly rotation',
  },
  'AWS::CloudWatch::Alarm': { price: UNIT_PRICES.cloudwatchAlarm, freeUnits: 10 },
  'AWS::CloudWatch::Dashboard': { price: UNIT_PRICES.dashboard, freeUnits: 3 },
  'AWS::SecretsManager::Secret': { price: UNIT_PRICES.secret },
};

/** Billed only by use (or by storage that grows with use): counted, at $0 a month idle. */
const USAGE_ONLY: Record<string, string> = {
  'AWS::DynamoDB::GlobalTable': 'on demand: per request, and per GB stored ($0.283) and backed up by PITR ($0.22)',
  'AWS::Lambda::Function': 'per request and GB-second',
  'AWS::StepFunctions::StateMachine': 'per state transition',
  'AWS::ApiGatewayV2::Api': 'per request',
  'AWS::Cognito::UserPool': 'Essentials: free up to 10 000 monthly active users',
  'AWS::Cognito::UserPoolDomain': 'the Cognito prefix domain is free',
  'AWS::SNS::Topic': 'per notification',
  'AWS::SQS::Queue': 'per request',
  'AWS::Logs::LogGroup': 'per GB ingested and stored',
  'AWS::Scheduler::ScheduleGroup': 'per schedule invocation',
};

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * The fixed monthly cost of a synthesised stack: one line per resource type that bills by the
 * month (count × unit price), and a $0 line for each usage-billed type it has.
 */
export function fixedMonthlyCost(template: Template): {
  lines: CostLine[];
  totalUsd: number;
  totalUsdAfterFreeTier: number;
  asOf: typeof PRICES_AS_OF;
} {
  const counts = countResources(template);
  const lines: CostLine[] = [];
  for (const [type, count] of Object.entries(counts).sort()) {
    const fixed = FIXED[type];
    if (fixed) {
      const monthlyUsd = cents(count * fixed.price.usd);
      const billable = Math.max(0, count - (fixed.freeUnits ?? 0));
      lines.push({
        type,
        count,
        price: fixed.price,
        monthlyUsd,
        monthlyUsdAfterFreeTier: cents(billable * fixed.price.usd),
        ...(fixed.note ? { note: fixed.note } : {}),
      });
    } else if (USAGE_ONLY[type]) {
      lines.push({
        type,
        count,
        price: { usd: 0, unit: 'month (idle)', source: '', checked: 'nothing bills while idle' },
        monthlyUsd: 0,
        monthlyUsdAfterFreeTier: 0,
        note: USAGE_ONLY[type],
      });
    }
  }
  const sum = (k: 'monthlyUsd' | 'monthlyUsdAfterFreeTier') => cents(lines.reduce((s, l) => s + l[k], 0));
  return {
    lines,
    totalUsd: sum('monthlyUsd'),
    totalUsdAfterFreeTier: sum('monthlyUsdAfterFreeTier'),
    asOf: PRICES_AS_OF,
  };
}

/** What one complaint used, as the simulation counted it (runtime/usage.ts), per complaint. */
export interface UsagePerComplaint {
  apiRequests: number;
  apiMs: number;
  taskInvocations: number;
  taskMs: number;
  transitions: number;
  readUnits: number;
  writeUnits: number;
  mails: number;
  schedules: number;
}

/**
 * The cost of one complaint from what the simulation counted, at the prices above, before any free
 * tier (a small organisation stays inside most of it; the figure is what it costs beyond).
 * Assumptions, stated so they can be checked: the API and task functions have 512 MB (lib/handlers.ts);
 * durations are those measured locally, where DynamoDB runs in the same process, so they are an upper
 * bound; every request and invocation is traced and writes 1 KB of logs; a dossier's items take at
 * most what was written to them (1 KB per write unit) and are kept for `retentionMonths`.
 */
export function costPerComplaint(
  u: UsagePerComplaint,
  opts: { memoryMb?: number; retentionMonths?: number } = {},
): { lines: { what: string; arithmetic: string; usd: number }[]; totalUsd: number } {
  const gb = (opts.memoryMb ?? 512) / 1024;
  const months = opts.retentionMonths ?? 24;
  const invocations = u.apiRequests + u.taskInvocations;
  const line = (what: string, count: number, price: UnitPrice) => ({
    what,
    arithmetic: `${round(count)} × $${price.usd.toPrecision(3)} per ${price.unit}`,
    usd: count * price.usd,
  });
  const lines = [
    line('API Gateway (HTTP API)', u.apiRequests, UNIT_PRICES.httpApiRequest),
    line('Lambda requests', invocations, UNIT_PRICES.lambdaRequest),
    line('Lambda duration', ((u.apiMs + u.taskMs) / 1000) * gb, UNIT_PRICES.lambdaArmGbSecond),
    line('Step Functions transitions', u.transitions, UNIT_PRICES.stateTransition),
    line('DynamoDB reads', u.readUnits, UNIT_PRICES.dynamodbRead),
    line('DynamoDB writes', u.writeUnits, UNIT_PRICES.dynamodbWrite),
    line('DynamoDB storage (+ PITR)', (u.writeUnits / 1024 / 1024) * months, {
      ...UNIT_PRICES.dynamodbStorage,
      usd: UNIT_PRICES.dynamodbStorage.usd + UNIT_PRICES.dynamodbPitr.usd,
    }),
    line('SES e-mail', u.mails, UNIT_PRICES.sesEmail),
    line('EventBridge Scheduler', u.schedules, UNIT_PRICES.schedulerInvocation),
    line('X-Ray traces', invocations, UNIT_PRICES.xrayTrace),
    line('CloudWatch Logs', invocations / 1024 / 1024, UNIT_PRICES.logsIngested),
  ];
  return { lines, totalUsd: lines.reduce((a, l) => a + l.usd, 0) };
}

function round(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toPrecision(2);
}

/** The template of one preset's stack with placeholder settings (no bundling: it is not needed). */
export async function presetTemplate(preset: string): Promise<Template> {
  const { App } = await import('aws-cdk-lib');
  const { KlachtflowStack } = await import('../lib/klachtflow-stack.js');
  const { resolveRegulation } = await import('../lib/regulation-source.js');
  const { exampleDeployConfig } = await import('../lib/config.js');
  // Only the resources are counted here: the built-in CloudFormation validation (a WebAssembly
  // engine, about 8 s of a simulation's CPU on this machine) is left to the CDK tests, which run it.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const deployed = resolveRegulation(preset);
  const stack = new KlachtflowStack(app, `klachtflow-${preset}`, {
    deployed,
    config: exampleDeployConfig(deployed.regulation),
    env: { account: '123456789012', region: PRICES_AS_OF.region },
  });
  return app.synth().getStackByName(stack.stackName).template as Template;
}

/**
 * The fixed monthly cost of a preset's stack, kept in node_modules/.cache/klachtflow under a hash
 * of everything the template is made from (lib/, the preset's file, this file, the lockfile): a
 * CDK synth takes about 10 s on this machine, and a simulation asks for the same answer every run.
 */
export async function cachedFixedMonthlyCost(preset: string): Promise<ReturnType<typeof fixedMonthlyCost>> {
  const { createHash } = await import('node:crypto');
  const { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = join(import.meta.dirname, '..');
  const files = [
    ...readdirSync(join(root, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => join(root, 'lib', f)),
    join(root, 'statemachines', 'presets', `${preset}.yaml`),
    join(root, 'bench', 'cost.ts'),
    join(root, 'package-lock.json'),
  ];
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(existsSync(f) ? readFileSync(f) : '');
  const dir = join(root, 'node_modules', '.cache', 'klachtflow');
  const file = join(dir, `fixed-cost-${preset}-${hash.digest('hex').slice(0, 16)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const cost = fixedMonthlyCost(await presetTemplate(preset));
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(cost));
  return cost;
}

/** The lines as a table, with the arithmetic. */
export function costTable(cost: ReturnType<typeof fixedMonthlyCost>): string {
  const rows = cost.lines.map((l) =>
    l.monthlyUsd > 0
      ? `| ${l.type} | ${l.count} | ${l.count} × $${l.price.usd.toFixed(2)} (${l.price.unit}) | $${l.monthlyUsd.toFixed(2)} | $${l.monthlyUsdAfterFreeTier.toFixed(2)} |`
      : `| ${l.type} | ${l.count} | ${l.note ?? ''} | $0.00 | $0.00 |`,
  );
  return [
    '| resource | count | arithmetic | per month | after free tier |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    `| **total** | | | **$${cost.totalUsd.toFixed(2)}** | **$${cost.totalUsdAfterFreeTier.toFixed(2)}** |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const preset = args.find((a) => !a.startsWith('--')) ?? 'ons-welzijn';
  const cost = fixedMonthlyCost(await presetTemplate(preset));
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ preset, ...cost })}\n`);
  else
    process.stdout.write(
      `Fixed monthly cost of klachtflow-${preset} (${PRICES_AS_OF.region}, prices of ${PRICES_AS_OF.date}, ${PRICES_AS_OF.basis}):\n\n${costTable(cost)}\n`,
    );
}
