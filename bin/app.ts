/**
 * The CDK app: one stack for the regulation named by `-c regulation=<preset id|file>`, with the
 * organisation's settings from `-c config=<file>` (its `region` places the stack; the shell's
 * CDK_DEFAULT_REGION is ignored). cdk-nag's AwsSolutionsChecks run on the whole app: an
 * unacknowledged finding fails synth.
 *
 *   npx cdk synth -c regulation=ons-welzijn -c config=klachtflow.config.yaml
 *   npx cdk deploy -c regulation=./mijn-regeling.yaml -c config=klachtflow.config.yaml
 *
 * A regulation with lint errors is refused, as `klachtflow start` refuses it; only
 * `-c ignoreLintErrors=true` synthesises it anyway (to try it out, never for real complaints).
 */
import { App } from 'aws-cdk-lib';
import { addStacks, checkWithNag } from '../lib/app.js';
import { DeployConfigError } from '../lib/config.js';
import { LintRefusedError } from '../statemachines/lint.js';
import { RegulationError } from '../statemachines/load.js';

function main(): void {
  const app = new App();
  const configFile = app.node.tryGetContext('config') as string | undefined;
  addStacks(app, {
    regulation: String(app.node.tryGetContext('regulation') ?? 'ons-welzijn'),
    ...(configFile ? { configFile } : {}),
    example: String(app.node.tryGetContext('example') ?? '') === 'true',
    ignoreLintErrors: String(app.node.tryGetContext('ignoreLintErrors') ?? '') === 'true',
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
  });
  checkWithNag(app);
  app.synth();
}

try {
  main();
} catch (e) {
  if (e instanceof RegulationError) console.error(e.describe());
  else if (e instanceof DeployConfigError || e instanceof LintRefusedError) console.error(e.message);
  else throw e;
  process.exit(1);
}
