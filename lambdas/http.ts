/**
 * Lambda: the HTTP API behind API Gateway (payload format 2.0). Officers are identified by the
 * JWT authorizer's Cognito claims; the same Hono app runs locally with the runtime's tokens.
 */
import { getConnInfo, handle } from 'hono/aws-lambda';
import { createApi, parseGroups } from './api.js';
import { awsDeps } from './aws-deps.js';

type Claims = Record<string, unknown>;

let app: ReturnType<typeof createApi> | undefined;

function api() {
  if (app) return app;
  const { regulation, store, procedure } = awsDeps();
  app = createApi({
    regulation,
    store,
    procedure,
    officer: async (c) => {
      const event = (c.env as { event?: { requestContext?: { authorizer?: { jwt?: { claims?: Claims } } } } })?.event;
      const claims = event?.requestContext?.authorizer?.jwt?.claims;
      if (!claims?.sub) return undefined;
      return { sub: String(claims.sub), roles: parseGroups(claims['cognito:groups']) };
    },
    statusUrl: (id, token) => `${(process.env.PUBLIC_URL ?? '').replace(/\/$/, '')}/klacht/${id}/${token}`,
    // API Gateway's view of the caller (requestContext.http.sourceIp), for rate limits only.
    clientAddress: (c) => getConnInfo(c).remote.address,
  });
  return app;
}

export const handler = (event: unknown, context: unknown) => handle(api())(event as never, context as never);
