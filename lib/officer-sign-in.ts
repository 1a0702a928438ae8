/**
 * Officer sign-in: a Cognito user pool with one group per role of the regulation. The API's JWT
 * authorizer trusts its tokens; the `cognito:groups` claim tells the API which roles an officer
 * acts in. No self sign-up: accounts are made by the organisation (config `officers`, or the
 * console), with an invitation mail and required MFA.
 *
 * The officers' pages sign in through the Cognito hosted sign-in on the pool's own domain:
 * authorization code grant with PKCE for a public client (no secret to keep), returning to
 * `SIGN_IN_PATHS.callback` under PUBLIC_URL and, after sign-out, to `SIGN_IN_PATHS.signedOut`
 * (lambdas/web/cognito-sign-in.tsx does the rest).
 */
import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  CfnUserPoolUser,
  CfnUserPoolUserToGroupAttachment,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { SIGN_IN_PATHS } from '../lambdas/web/sign-in.js';
import { acknowledgeRule } from './nag.js';

export interface OfficerSignInProps {
  /** The regulation's role ids: one group each. */
  readonly roles: readonly { readonly id: string; readonly title: string }[];
  /** Accounts to create, each with the roles it acts in. */
  readonly officers?: readonly { readonly email: string; readonly roles: readonly string[] }[];
  /** Where the officers' pages live: sign-in returns there. */
  readonly publicUrl: string;
  /**
   * The prefix of the hosted sign-in's domain (`<prefix>.auth.<region>.amazoncognito.com`),
   * unique in the region; lower-case letters, digits and hyphens, without "aws", "amazon" or
   * "cognito".
   * @default `<stack name>-<account id>`, lower-cased
   */
  readonly domainPrefix?: string;
  /**
   * What happens to the pool (the accounts) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** `<stack name>-<account id>`: unique in the region, as a hosted sign-in domain must be. */
export function defaultDomainPrefix(stackName: string): string {
  const name = Token.isUnresolved(stackName)
    ? 'klachtflow'
    : stackName
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-')
        .replace(/aws|amazon|cognito/g, 'x');
  return `${name}-${Aws.ACCOUNT_ID}`;
}

export class OfficerSignIn extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  readonly groups: Readonly<Record<string, UserPoolGroup>>;

  constructor(scope: Construct, id: string, props: OfficerSignInProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const publicUrl = props.publicUrl.replace(/\/$/, '');
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
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        // The code grant only (no implicit grant: tokens never travel in a URL); the pages send
        // a PKCE challenge, so the client needs no secret.
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [`${publicUrl}${SIGN_IN_PATHS.callback}`],
        logoutUrls: [`${publicUrl}${SIGN_IN_PATHS.signedOut}`],
      },
    });
    // Managed login (not the classic hosted UI): it walks an officer through setting up the
    // required TOTP authenticator at first sign-in. It needs a branding style per client; Cognito's
    // own style will do.
    this.domain = this.userPool.addDomain('HostedSignIn', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? defaultDomainPrefix(Stack.of(this).stackName) },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    new CfnManagedLoginBranding(this, 'SignInStyle', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
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
        attachment.addResourceDependency(user);
        const group = this.groups[role];
        if (group) attachment.node.addDependency(group);
      }
    });
  }

  /** The hosted sign-in's base URL (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  get hostedSignInUrl(): string {
    return this.domain.baseUrl();
  }

  /** The settings the API function needs for the pages' sign-in (see cognitoConfigFromEnv). */
  environment(): Record<string, string> {
    return {
      COGNITO_USER_POOL_ID: this.userPool.userPoolId,
      COGNITO_CLIENT_ID: this.client.userPoolClientId,
      COGNITO_DOMAIN_URL: this.hostedSignInUrl,
    };
  }
}
