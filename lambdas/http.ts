/**
 * Lambda: the HTTP API behind API Gateway (payload format 2.0); the same Hono app runs locally
 * with the runtime's tokens. Officers are identified by the JWT authorizer's Cognito claims on
 * /dossiers, and by their verified ID token (the session cookie of the Cognito hosted sign-in,
 * which the pages pass on in-process) everywhere else. Logged and traced by `observed`.
 */
import type { Context } from 'hono';
import { getConnInfo, handle } from 'hono/aws-lambda';
import { createApi, parseGroups } from './api.js';
import { awsDeps } from './aws-deps.js';
import { awsInbound } from './aws-inbound.js';
import { logger, observed } from './observability.js';
import { cognitoConfigFromEnv, cognitoSignIn } from './web/cognito-sign-in.js';

type Claims = Record<string, unknown>;

let app: ReturnType<typeof createApi> | undefined;

/** The claims API Gateway's JWT authorizer verified, when the request passed it. */
function authorizerClaims(c: Context): Claims | undefined {
  const event = (c.env as { event?: { requestContext?: { authorizer?: { jwt?: { claims?: Claims } } } } })?.event;
  return event?.requestContext?.authorizer?.jwt?.claims;
}

function api() {
  if (app) return app;
  const { regulation, store, procedure } = awsDeps();
  const signInConfig = cognitoConfigFromEnv();
  const signIn = cognitoSignIn(signInConfig);
  // The postvak and attachments, when the organisation turned e-mail intake on.
  const mail = process.env.INBOUND_BUCKET ? awsInbound() : undefined;
  app = createApi({
    regulation,
    store,
    procedure,
    signIn,
    ...(mail ? { inbound: mail.inbound, attachments: mail.attachments } : {}),
    officer: async (c) => {
      const claims = authorizerClaims(c);
      if (claims?.sub) return { sub: String(claims.sub), roles: parseGroups(claims['cognito:groups']) };
      const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      return signIn.identify(bearer);
    },
    // Links and the forms' origin come from the configured publicUrl, never from the Host header.
    statusUrl: (id, token) => `${signInConfig.publicUrl.replace(/\/$/, '')}/klacht/${id}/${token}`,
    ownOrigins: () => [new URL(signInConfig.publicUrl).origin],
    // Signing out posts to us and goes on to the hosted sign-out (CSP form-action follows redirects).
    formTargets: [new URL(signInConfig.domainUrl).origin],
    // API Gateway's view of the caller (requestContext.http.sourceIp), for rate limits only;
    // behind a proxy of the organisation's own (TRUSTED_PROXIES, comma-separated addresses or
    // ranges), the address that proxy forwarded for.
    clientAddress: (c) => getConnInfo(c).remote.address,
    ...(process.env.TRUSTED_PROXIES
      ? {
          trustedProxies: process.env.TRUSTED_PROXIES.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    // The error's class and message; never the request (it may carry what a complainant wrote).
    reportError: (err) => {
      const e = err instanceof Error ? err : new Error(String(err));
      logger.error('unexpected error', { error: { name: e.name, message: e.message.slice(0, 500), stack: e.stack } });
    },
  });
  return app;
}

export const handler = observed('api', (event: unknown, context) => handle(api())(event as never, context as never));
