/**
 * The stacks of the CDK app (bin/app.ts), as a function: `npm run synth`, `cdk deploy` and the
 * tests that lint the templates (test/support/synth.ts) build the very same app. cdk-nag's
 * AwsSolutionsChecks run on all of it: an unacknowledged finding fails synth.
 */
import { Annotations, type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { refuseLintErrors } from '../statemachines/lint.js';
import { PRESET_IDS } from '../statemachines/load.js';
import { type DeployConfig, DeployConfigError, exampleDeployConfig, loadDeployConfig } from './config.js';
import { KlachtflowStack } from './klachtflow-stack.js';
import { resolveRegulation } from './regulation-source.js';

export interface StackChoice {
  /** A preset id, a regulation file, or `all` (every preset, one stack each). */
  readonly regulation: string;
  /** The organisation's deploy config file. */
  readonly configFile?: string;
  /** Placeholder settings instead of a config file (synth only; never deploy these). */
  readonly example?: boolean;
  /**
   * The account (the CLI's CDK_DEFAULT_ACCOUNT).
   * @default unresolved: the deploy's own account
   */
  readonly account?: string;
  /**
   * Synthesise even when `klachtflow regulation lint` finds errors (`-c ignoreLintErrors=true`),
   * only to try it out; the errors become a warning on the stack.
   * @default false: a regulation with lint errors is refused (LintRefusedError)
   */
  readonly ignoreLintErrors?: boolean;
}

/** How the CDK app is told to go on despite lint errors, in the refusal's words. */
export const CDK_LINT_OVERRIDE = '-c ignoreLintErrors=true';

/** One regulation's stack, in the region its config names (never the shell's default). */
export function addStack(app: App, ref: string, choice: StackChoice): KlachtflowStack {
  const deployed = resolveRegulation(ref);
  // The same refusal as `klachtflow start` and the local runtime: no stack for a regulation against
  // the law (issue 16), unless explicitly asked for.
  const lintWarning = refuseLintErrors(deployed.regulation, {
    ignore: choice.ignoreLintErrors ?? false,
    override: CDK_LINT_OVERRIDE,
  });
  if (!choice.configFile && !choice.example) {
    throw new DeployConfigError(
      'No deploy config: pass -c config=<file> (see the README, "Deploy"), or -c example=true to synthesise with placeholder settings that must not be deployed.',
    );
  }
  const config: DeployConfig = choice.configFile
    ? loadDeployConfig(choice.configFile, deployed.regulation)
    : exampleDeployConfig(deployed.regulation);
  const stackName = config.stackName ?? `klachtflow-${deployed.regulation.id}`;
  const stack = new KlachtflowStack(app, stackName, {
    stackName,
    deployed,
    config,
    env: { ...(choice.account ? { account: choice.account } : {}), region: config.region },
    description: `klachtflow: ${deployed.regulation.title} (${deployed.regulation.id})`,
  });
  if (lintWarning) Annotations.of(stack).addWarningV2('klachtflow:lint-errors', lintWarning);
  return stack;
}

/** The stacks of a choice, with cdk-nag on the whole app. */
export function addStacks(app: App, choice: StackChoice): KlachtflowStack[] {
  const refs = choice.regulation === 'all' ? PRESET_IDS : [choice.regulation];
  return refs.map((ref) => addStack(app, ref, choice));
}

/** cdk-nag's AwsSolutionsChecks over everything in the app (call once, after adding stacks). */
export function checkWithNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
