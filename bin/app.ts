/**
 * The CDK app: one stack for the regulation named by `-c regulation=<preset id|file>`, with the
 * organisation's settings from `-c config=<file>`. cdk-nag's AwsSolutionsChecks run on the
 * whole app: an unacknowledged finding fails synth.
 *
 *   npx cdk synth -c regulation=ons-welzijn -c config=klachtflow.config.yaml
 *   npx cdk deploy -c regulation=./mijn-regeling.yaml -c config=klachtflow.config.yaml
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeployConfigError, exampleDeployConfig, loadDeployConfig } from '../lib/config.js';
import { KlachtflowStack } from '../lib/klachtflow-stack.js';
import { resolveRegulation } from '../lib/regulation-source.js';
import { PRESET_IDS, RegulationError } from '../statemachines/load.js';

/** The stack of one regulation. */
function addStack(app: App, ref: string, configFile: string | undefined, example: boolean): void {
  const deployed = resolveRegulation(ref);
  if (!configFile && !example) {
    throw new DeployConfigError(
      'No deploy config: pass -c config=<file> (see the README, "Deploy"), or -c example=true to synthesise with placeholder settings that must not be deployed.',
    );
  }
  const config = configFile
    ? loadDeployConfig(configFile, deployed.regulation)
    : exampleDeployConfig(deployed.regulation);
  const stackName = config.stackName ?? `klachtflow-${deployed.regulation.id}`;
  new KlachtflowStack(app, stackName, {
    stackName,
    deployed,
    config,
    // A concrete region: the customer-managed key of the table (TableV2) needs one.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'eu-central-1' },
    description: `klachtflow: ${deployed.regulation.title} (${deployed.regulation.id})`,
  });
}

function main(): void {
  const app = new App();
  const ref = String(app.node.tryGetContext('regulation') ?? 'ons-welzijn');
  const configFile = app.node.tryGetContext('config') as string | undefined;
  const example = String(app.node.tryGetContext('example') ?? '') === 'true';
  // `all`: every preset, one stack each (`npm run synth`).
  for (const r of ref === 'all' ? PRESET_IDS : [ref]) addStack(app, r, configFile, example);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}

try {
  main();
} catch (e) {
  if (e instanceof RegulationError) console.error(e.describe());
  else if (e instanceof DeployConfigError) console.error(e.message);
  else throw e;
  process.exit(1);
}
