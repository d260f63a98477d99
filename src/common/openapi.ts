import { INestApplication, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OPERATOR_KEY_SCOPE } from '../auth/api-key.guard';
import { errorBody, INTAKE_KEY_FORBIDDEN } from './api-docs';
import { MAX_ID } from './validation';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;

/** Routes outside API-key authentication: they document `security: []` (or their own scheme). */
const PUBLIC_PATHS = /^\/(health(\/.*)?|metrics)$/;
/** Routes about the caller itself (@OperatorOnly): any other key is 401 there, never 403. */
const OPERATOR_ONLY_PATHS = /^\/me(\/.*)?$/;

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';
export const DOCS_TITLE = 'Lead distribution service API';

const TAGS: Record<string, string> = {
  operators:
    'People who take requests: capacity (`max_load`) and live `current_load`, presence, shifts, ' +
    'and their own keys.',
  me: 'The caller’s own desk, with an operator key: its operator and its active requests and pending offers.',
  offers:
    'Requests offered to an operator on `assignment: "offer"` sources: accept, decline, ' +
    'expiry (each with its own history event and webhook).',
  sources:
    'Channels requests come from (bots, forms), their operator weights, strategy and intake keys.',
  requests:
    'Customer requests: intake and assignment, the waiting queue, manual assign/reassign, ' +
    'closing and reopening, history, decisions, stats.',
  events:
    'The live stream of request events (Server-Sent Events), the same events webhooks receive.',
  leads:
    'Customers, found or created by `lead_external_id`, with their requests from every source.',
  strategies: 'The distribution strategies a source can use.',
  webhooks:
    'Signed HTTP callbacks for every request event (admin only), and their deliveries and retries.',
  service: 'Health checks and Prometheus metrics; no API key needed.',
  analytics: 'How fast requests were answered: service levels per hour or day, from the history.',
  staffing: 'How many people an interval needs: the Erlang C calculator.',
};

/**
 * The OpenAPI document the app serves at /docs-json, and `npm run openapi` writes to
 * docs/openapi.json. It depends on the code only (never on configuration), so both are the same.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(DOCS_TITLE)
    .setDescription(
      'Takes every incoming customer request and hands it at once to an operator configured ' +
        'for its source, by weight, never past an operator’s max_load.\n\n' +
        '- Lists take `limit`/`offset`, are ordered by id and set `X-Total-Count`.\n' +
        '- Request bodies are JSON: send `Content-Type: application/json` (415 otherwise).\n' +
        '- Errors are `{"statusCode", "error", "message"}`; for 400 `message` is always an array ' +
        'of strings, each naming its field (`source_id is required`).\n' +
        '- When the server sets ADMIN_API_KEYS every route except /health* and /metrics needs ' +
        'a key, as `Authorization: Bearer <key>` or `X-API-Key: <key>`: an admin key (every ' +
        'route); a source’s intake key (`lds_…`: POST /requests for its source only); or an ' +
        'operator’s own key (`ldo_…`: GET /me, GET /me/requests, GET /me/offers, ' +
        'PUT /operators/{its id}/presence, accepting and declining its own offers, and ' +
        'GET /requests/{id}, GET /requests/{id}/events (requests assigned or offered to it) and ' +
        'closing by PATCH /requests/{id}/status of its own requests). Any other route answers a ' +
        'key 403. Without ' +
        'ADMIN_API_KEYS the API is open; an operator key is still honoured (with its limits), and ' +
        '/me answers 401 without one.',
    )
    .setVersion('1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The service itself (http://localhost:3000 on the default PORT)')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        // Nest's default is 'JWT'; these keys are opaque strings.
        bearerFormat: undefined,
        description:
          'An admin key (one of ADMIN_API_KEYS: every route), a source’s intake key (`lds_…`: ' +
          'POST /requests for its source) or an operator’s key (`ldo_…`: /me and its own ' +
          'presence, requests and offers): an opaque string, not a JWT. For /metrics also METRICS_TOKEN.',
      },
      'bearer',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'The same admin, intake or operator key, in the X-API-Key header instead',
      },
      'api-key',
    )
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('api-key');
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  return documentAccess(SwaggerModule.createDocument(app, builder.build()));
}

/** Apps whose Swagger routes wait for OpenApiRoutes, by their HTTP adapter. */
const pendingDocs = new WeakMap<object, () => void>();

/**
 * Serves Swagger UI at /docs and the document at /docs-json. The routes are added once the API's
 * own routes are (OpenApiRoutes), not before them: Express tries routes in order, and nine
 * documentation routes ahead of every API route cost a `GET /health` 7%.
 */
export function setupOpenApi(app: INestApplication): void {
  pendingDocs.set(app.getHttpAdapter(), () =>
    SwaggerModule.setup(DOCS_PATH, app, createOpenApiDocument(app), {
      jsonDocumentUrl: DOCS_JSON_PATH,
      customSiteTitle: `${DOCS_TITLE} — Swagger UI`,
    }),
  );
}

/**
 * Adds the documentation routes setupOpenApi left for later. Nest registers the controllers'
 * routes, then runs onModuleInit, then adds its not-found handler: this runs in between.
 */
@Injectable()
export class OpenApiRoutes implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    const setup = adapter && pendingDocs.get(adapter);
    if (!setup) return;
    pendingDocs.delete(adapter);
    setup();
  }
}

/** The 403 of a route that neither intake nor operator keys may call (ApiKeyGuard). */
function keyOutOfScope() {
  const example = (message: string) => ({
    summary: message,
    value: { statusCode: 403, error: 'Forbidden', message },
  });
  return {
    description:
      'An intake key outside POST /requests for its own source, or an operator key outside the ' +
      'routes it may call',
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/ErrorResponseDto' },
        examples: {
          intakeKey: example(INTAKE_KEY_FORBIDDEN),
          operatorKey: example(OPERATOR_KEY_SCOPE),
        },
      },
    },
  };
}

/**
 * Documents what the global guards and the body parser add to every route: public routes need no
 * key; every other one answers 401 without a key, 403 for a key that may not call it, 429 over a
 * rate limit; a route with a body answers 415 to a body that is not JSON; any route may answer
 * 503 while the database cannot serve it (AppExceptionFilter).
 */
function documentAccess(document: OpenAPIObject): OpenAPIObject {
  for (const [path, operations] of Object.entries(document.paths)) {
    const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
    for (const method of methods) {
      const operation: OperationObject | undefined = operations[method];
      if (!operation) continue;
      for (const parameter of operation.parameters ?? []) {
        // Path ids go through PositiveIntPipe: integers from 1, whatever TypeScript calls them.
        if ('in' in parameter && parameter.in === 'path' && parameter.schema) {
          parameter.schema = { type: 'integer', minimum: 1, maximum: MAX_ID, example: 1 };
        }
      }
      if (operation.requestBody) {
        operation.responses['415'] ??= errorBody(
          415,
          'Unsupported Media Type',
          'The body is not JSON',
          'the body must be JSON: send Content-Type: application/json',
        );
      }
      operation.responses['503'] ??= {
        ...errorBody(
          503,
          'Service Unavailable',
          'The database is unreachable, busy or out of disk, or a change waited past ' +
            'DATABASE_STATEMENT_TIMEOUT_MS (retry after Retry-After), or a read ran past it ' +
            '(ask for less); nothing was written',
          'the database is unreachable; retry after the seconds in Retry-After',
        ),
        headers: {
          'Retry-After': {
            description: 'Seconds to wait before retrying (not sent when a read ran past the statement timeout)',
            schema: { type: 'integer', example: 5 },
          },
        },
      };
      if (PUBLIC_PATHS.test(path)) {
        operation.security ??= [];
        continue;
      }
      operation.responses['401'] ??= errorBody(
        401,
        'Unauthorized',
        'ADMIN_API_KEYS is set and no key, or a wrong or revoked key, was given',
        'an API key is required',
      );
      if (!OPERATOR_ONLY_PATHS.test(path)) {
        operation.responses['403'] ??= keyOutOfScope();
      }
      operation.responses['429'] ??= {
        ...errorBody(
          429,
          'Too Many Requests',
          'Over RATE_LIMIT_PER_MINUTE, or too many failed authentications from this IP',
          'rate limit exceeded; retry after the number of seconds in Retry-After',
        ),
        headers: {
          'Retry-After': {
            description: 'Seconds to wait before retrying',
            schema: { type: 'integer', example: 42 },
          },
        },
      };
    }
  }
  return document;
}
