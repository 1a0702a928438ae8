/**
 * cdk-nag (AwsSolutionsChecks) acknowledgements. Each construct acknowledges the findings its own
 * deliberate choices raise, right where it makes them, naming the rule, the exact resource and the
 * reason; anything else fails synth.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A resolved CloudFormation value written the way cdk-nag names it in a finding. */
function render(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') return `<${o.Ref}>`;
    const att = o['Fn::GetAtt'] as string[] | undefined;
    if (att) return `<${att[0]}.${att[1]}>`;
    const join = o['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(render).join(join[0]);
  }
  return JSON.stringify(v);
}

/** Acknowledges a whole rule on a construct and everything in it. */
export function acknowledgeRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: rule, reason });
}

/** Acknowledges one wildcard resource (`AwsSolutions-IAM5[Resource::...]`) in the policies under scope. */
export function acknowledgeWildcard(scope: IConstruct, resource: string, reason: string): void {
  const id = `AwsSolutions-IAM5[Resource::${render(Stack.of(scope).resolve(resource))}]`;
  Validations.of(scope).acknowledge({ id, reason });
}

/** The managed policy every Lambda role gets for its logs. */
export function acknowledgeLambdaBasicExecution(scope: IConstruct): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The AWS-managed policy that lets a function write its own logs (CreateLogStream, PutLogEvents); nothing else.',
  });
}
