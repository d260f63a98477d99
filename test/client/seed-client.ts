/**
 * The seed scenario as an integration would write it: types generated from docs/openapi.json by
 * openapi-typescript (into ./generated, by test/e2e/openapi.e2e-spec.ts), calls by openapi-fetch.
 * It must type-check with `tsc --strict`: a field the document mistypes (a nullable string
 * declared as an object, an id as a float) breaks the build here before it breaks a client.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/schema';

type Request = components['schemas']['RequestResponseDto'];
type SourceStats = components['schemas']['SourceStatsDto'];
type Operator = components['schemas']['OperatorResponseDto'];
type Source = components['schemas']['SourceResponseDto'];
type Webhook = components['schemas']['WebhookResponseDto'];

export interface SeedOutcome {
  operatorIds: number[];
  sourceId: number;
  request: Request;
  closed: Request;
  stats: SourceStats[];
  /** Each answer to a PATCH that named one field only. */
  patched: { operator: Operator; source: Source; webhook: Webhook };
}

/** Fails with the response's error body when a call does not succeed. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

export async function runSeedScenario(baseUrl: string, apiKey?: string): Promise<SeedOutcome> {
  const client = createClient<paths>({
    baseUrl,
    headers: apiKey === undefined ? {} : { Authorization: `Bearer ${apiKey}` },
  });

  const alice = ok(
    await client.POST('/operators', { body: { name: 'Alice', is_active: true, max_load: 5 } }),
  );
  const bob = ok(
    await client.POST('/operators', { body: { name: 'Bob', is_active: true, max_load: 10 } }),
  );
  const source = ok(
    await client.POST('/sources', {
      body: { name: 'Telegram Bot', description: 'Main support channel' },
    }),
  );
  ok(
    await client.POST('/sources/{id}/weights', {
      params: { path: { id: source.id } },
      body: [
        { operator_id: alice.id, weight: 30 },
        { operator_id: bob.id, weight: 70 },
      ],
    }),
  );
  const request = ok(
    await client.POST('/requests', {
      body: {
        lead_external_id: 'customer_001',
        source_id: source.id,
        message: 'Need help with setup',
        lead_name: 'John Customer',
        lead_email: 'john@example.com',
        lead_phone: '+1234567890',
      },
    }),
  );
  const closed = ok(
    await client.PATCH('/requests/{id}/status', {
      params: { path: { id: request.id }, query: { status: 'closed' } },
    }),
  );
  const stats = ok(await client.GET('/requests/distribution/stats', { params: { query: {} } }));

  // A PATCH body names only the fields it changes: these do not build if the document makes any
  // other field required (a `default` in a PATCH schema does, for openapi-typescript).
  const operator = ok(
    await client.PATCH('/operators/{id}', {
      params: { path: { id: alice.id } },
      body: { is_active: false },
    }),
  );
  const patchedSource = ok(
    await client.PATCH('/sources/{id}', {
      params: { path: { id: source.id } },
      body: { sticky: true },
    }),
  );
  // Created after the last change, so no delivery is queued for it; paused at once.
  const webhook = ok(
    await client.POST('/webhooks', {
      body: { url: 'https://crm.example.com/hooks', source_id: source.id },
    }),
  );
  const patchedWebhook = ok(
    await client.PATCH('/webhooks/{id}', {
      params: { path: { id: webhook.id } },
      body: { is_active: false },
    }),
  );

  // Compile-time checks on the generated types: these lines do not build if a field is mistyped.
  const message: string | null = request.message;
  const operatorId: number | null = request.operator_id;
  const status: 'active' | 'closed' = closed.status;
  void [message, operatorId, status];

  return {
    operatorIds: [alice.id, bob.id],
    sourceId: source.id,
    request,
    closed,
    stats,
    patched: { operator, source: patchedSource, webhook: patchedWebhook },
  };
}
