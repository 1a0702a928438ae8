/**
 * The intake and officer API: an HTTP API (payload 2.0) in front of the one Hono app of
 * `lambdas/http.ts`. The routes are the app's own (a test holds them against its OpenAPI
 * document). Officer routes pass the Cognito JWT authorizer; complainant routes are open at the
 * gateway and authorised in the app by the dossier's access token. Request bodies are validated
 * by the app's zod schemas (HTTP APIs have no request validation of their own).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeRule } from './nag.js';

export type Audience = 'public' | 'complainant' | 'officer';

/** The routes of `lambdas/api.ts` and who may call them. */
export const ROUTES: readonly { method: 'GET' | 'POST'; path: string; audience: Audience }[] = [
  { method: 'POST', path: '/complaints', audience: 'public' },
  { method: 'GET', path: '/openapi.json', audience: 'public' },
  { method: 'GET', path: '/complaints/{id}', audience: 'complainant' },
  { method: 'POST', path: '/complaints/{id}/messages', audience: 'complainant' },
  { method: 'POST', path: '/complaints/{id}/withdraw', audience: 'complainant' },
  { method: 'POST', path: '/complaints/{id}/escalate', audience: 'complainant' },
  { method: 'GET', path: '/dossiers', audience: 'officer' },
  { method: 'GET', path: '/dossiers/{id}', audience: 'officer' },
  { method: 'POST', path: '/dossiers/{id}/actions', audience: 'officer' },
];

export interface ComplaintsApiProps {
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
    const integration = new HttpLambdaIntegration('App', props.handler);
    const authorizer = new HttpUserPoolAuthorizer('Officers', props.userPool, {
      userPoolClients: [props.userPoolClient],
    });
    for (const route of ROUTES) {
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method === 'GET' ? HttpMethod.GET : HttpMethod.POST],
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
