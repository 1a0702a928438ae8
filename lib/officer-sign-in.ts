/**
 * Officer sign-in: a Cognito user pool with one group per role of the regulation. The API's JWT
 * authorizer trusts its tokens; the `cognito:groups` claim tells the API which roles an officer
 * acts in. No self sign-up: accounts are made by the organisation (config `officers`, or the
 * console), with an invitation mail and required MFA.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolUser,
  CfnUserPoolUserToGroupAttachment,
  FeaturePlan,
  Mfa,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledgeRule } from './nag.js';

export interface OfficerSignInProps {
  /** The regulation's role ids: one group each. */
  readonly roles: readonly { readonly id: string; readonly title: string }[];
  /** Accounts to create, each with the roles it acts in. */
  readonly officers?: readonly { readonly email: string; readonly roles: readonly string[] }[];
  /** Where the officers' pages live: sign-in returns there. */
  readonly publicUrl: string;
  /**
   * What happens to the pool (the accounts) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class OfficerSignIn extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly groups: Readonly<Record<string, UserPoolGroup>>;

  constructor(scope: Construct, id: string, props: OfficerSignInProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.userPool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    acknowledgeRule(
      this.userPool,
      'AwsSolutions-COG8',
      'The Plus plan (threat protection) bills per active user every month; a handful of officers with required TOTP MFA and no self sign-up keep the Essentials plan.',
    );
    this.groups = Object.fromEntries(
      props.roles.map((role) => [
        role.id,
        new UserPoolGroup(this, `Group-${role.id}`, {
          userPool: this.userPool,
          groupName: role.id,
          description: role.title.slice(0, 2048),
        }),
      ]),
    );
    this.client = this.userPool.addClient('OfficerPages', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        callbackUrls: [`${props.publicUrl.replace(/\/$/, '')}/medewerkers/`],
      },
    });
    (props.officers ?? []).forEach((officer, i) => {
      const user = new CfnUserPoolUser(this, `Officer${i}`, {
        userPoolId: this.userPool.userPoolId,
        username: officer.email,
        desiredDeliveryMediums: ['EMAIL'],
        userAttributes: [
          { name: 'email', value: officer.email },
          { name: 'email_verified', value: 'true' },
        ],
      });
      for (const role of officer.roles) {
        const attachment = new CfnUserPoolUserToGroupAttachment(this, `Officer${i}-${role}`, {
          userPoolId: this.userPool.userPoolId,
          username: officer.email,
          groupName: role,
        });
        attachment.addDependency(user);
        const group = this.groups[role];
        if (group) attachment.node.addDependency(group);
      }
    });
  }
}
