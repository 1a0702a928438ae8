/**
 * The intake and officer API: an HTTP API (payload 2.0) in front of the one Hono app of
 * `lambdas/http.ts`. The routes are read from that app (`appRoutes`), so they cannot drift.
 * Officer routes pass the Cognito JWT authorizer; complainant routes are open at the gateway and
 * authorised in the app by the dossier's access token. Request bodies are validated
 * by the app's zod schemas (HTTP APIs have no request validation of their own).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  type HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createApi } from '../lambdas/api.js';
import { cognitoSignIn } from '../lambdas/web/cognito-sign-in.js';
import type { Regulation } from '../statemachines/model.js';
import { acknowledgeRule } from './nag.js';

export type Audience = 'public' | 'officer';

/** Paths behind the officers' JWT authorizer; every other route is authorised in the app itself. */
export const OFFICER_PREFIXES = ['/dossiers', '/inbound-mail'] as const;

export interface ApiRoute {
  readonly method: string;
  readonly path: string;
  readonly audience: Audience;
}

/**
 * The routes of the Hono app of `lambdas/api.ts` as the Lambda builds it, read from the app itself
 * so the gateway and the app answer the same requests (`:id` becomes `{id}`; middleware is not a
 * route). The officers' pages sign in through Cognito there, not with the local token form.
 */
export function appRoutes(regulation: Regulation): ApiRoute[] {
  const app = createApi({
    regulation,
    // Only the route table is read: no request reaches these.
    procedure: {} as never,
    store: {} as never,
    officer: async () => undefined,
    statusUrl: () => '',
    // The pages sign in as they do in AWS (lambdas/http.ts): the hosted sign-in's routes.
    signIn: cognitoSignIn({
      userPoolId: 'eu-west-1_routes',
      clientId: 'routes',
      domainUrl: 'https://routes.invalid',
      publicUrl: 'https://routes.invalid',
    }),
  });
  const seen = new Set<string>();
  const routes: ApiRoute[] = [];
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const key = `${r.method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const officer = OFFICER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
    routes.push({ method: r.method, path, audience: officer ? 'officer' : 'public' });
  }
  return routes;
}

export interface ComplaintsApiProps {
  /** The routes to open, with who may call them. */
  readonly routes: readonly ApiRoute[];
  /** The function behind every route. */
  readonly handler: IFunction;
  /** The officers' user pool and the client their pages sign in with. */
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** Origins a browser may call the API from (the complaint form). */
  readonly corsOrigins: readonly string[];
  /**
   * Requests per second over the whole API, and the burst above it.
   * @default { rateLimit: 20, burstLimit: 50 }
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * How long access logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
}

export class ComplaintsApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: ComplaintsApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'Api', {
      description: 'klachtflow: complaints and dossiers',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.corsOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
        allowHeaders: ['content-type', 'authorization', 'idempotency-key'],
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const throttle = props.throttle ?? { rateLimit: 20, burstLimit: 50 };
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No IP addresses or user agents: complainants are not tracked (privacy by default).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    // One invoke permission for the whole API (SourceArn: this API), not one per route: 64 fewer
    // resources in a template CloudFormation caps at 500.
    const integration = new HttpLambdaIntegration('App', props.handler, { scopePermissionToRoute: false });
    const authorizer = new HttpUserPoolAuthorizer('Officers', props.userPool, {
      userPoolClients: [props.userPoolClient],
    });
    for (const route of props.routes) {
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration,
        ...(route.audience === 'officer' ? { authorizer } : {}),
      });
      if (added && route.audience !== 'officer')
        acknowledgeRule(
          added,
          'AwsSolutions-APIG4',
          route.audience === 'public'
            ? 'Anyone may submit a complaint or read the API description: no account is needed to complain.'
            : "Complainants have no account: the app authorises these routes by the dossier's own access token.",
        );
    }
  }

  /** The address the API answers on. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
