/**
 * Customer-managed KMS keys the way the Control Tower proactive control CT.KMS.PR.3 asks: grants
 * on the key only for AWS services acting on an AWS resource (DynamoDB, S3 and SNS create their
 * own grants that way), never a grant someone hands to an arbitrary principal.
 */
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, type KeyProps } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** A key with rotation, whose policy refuses grants not made by an AWS service for an AWS resource. */
export function serviceGrantsOnlyKey(scope: Construct, id: string, props: KeyProps): Key {
  const key = new Key(scope, id, { enableKeyRotation: true, ...props });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'GrantsOnlyForAwsServices',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
  return key;
}
