/**
 * Lambda: the HTTP API behind API Gateway (payload format 2.0). Officers are identified by the
 * JWT authorizer's Cognito claims; the same Hono app runs locally with the runtime's tokens.
 */
import { handle } from 'hono/aws-lambda';
import { createApi, parseGroups } from './api.js';
import { awsDeps, awsInbound } from './aws-deps.js';

type Claims = Record<string, unknown>;

let app: ReturnType<typeof createApi> | undefined;

function api() {
  if (app) return app;
  const { regulation, store, procedure } = awsDeps();
  // The postvak and attachments, when the organisation turned e-mail intake on.
  const mail = process.env.INBOUND_BUCKET ? awsInbound() : undefined;
  app = createApi({
    regulation,
    store,
    procedure,
    ...(mail ? { inbound: mail.inbound, attachments: mail.attachments } : {}),
    officer: async (c) => {
      const event = (c.env as { event?: { requestContext?: { authorizer?: { jwt?: { claims?: Claims } } } } })?.event;
      const claims = event?.requestContext?.authorizer?.jwt?.claims;
      if (!claims?.sub) return undefined;
      return { sub: String(claims.sub), roles: parseGroups(claims['cognito:groups']) };
    },
    statusUrl: (id, token) => `${(process.env.PUBLIC_URL ?? '').replace(/\/$/, '')}/klacht/${id}/${token}`,
  });
  return app;
}

export const handler = (event: unknown, context: unknown) => handle(api())(event as never, context as never);
