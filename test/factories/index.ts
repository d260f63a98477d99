import request from 'supertest';
import type { TestApp } from '../utils/create-test-app';

let sequence = 0;
const next = () => ++sequence;

export const operatorFactory = {
  build: (overrides: Record<string, unknown> = {}) => ({
    name: `Operator ${next()}`,
    is_active: true,
    max_load: 10,
    ...overrides,
  }),
};

export const sourceFactory = {
  build: (overrides: Record<string, unknown> = {}) => ({
    name: `Source ${next()}`,
    description: 'a test channel',
    ...overrides,
  }),
};

export const requestFactory = {
  build: (sourceId: number, overrides: Record<string, unknown> = {}) => ({
    lead_external_id: `lead-${next()}`,
    source_id: sourceId,
    message: 'Need help',
    ...overrides,
  }),
};

type Body = Record<string, any>;

async function created(test: request.Test): Promise<Body> {
  const response = await test;
  if (response.status !== 201) {
    throw new Error(`expected 201, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body as Body;
}

/** HTTP helpers that create valid objects and fail loudly if the API refuses them. */
export function given(t: TestApp) {
  return {
    operator: (overrides: Record<string, unknown> = {}) =>
      created(t.http().post('/operators').send(operatorFactory.build(overrides))),
    source: (overrides: Record<string, unknown> = {}) =>
      created(t.http().post('/sources').send(sourceFactory.build(overrides))),
    weights: async (sourceId: number, weights: Array<{ operator_id: number; weight: number }>) => {
      const response = await t.http().post(`/sources/${sourceId}/weights`).send(weights);
      if (response.status !== 200) throw new Error(`weights: ${response.status} ${response.text}`);
      return response.body as Body[];
    },
    request: (sourceId: number, overrides: Record<string, unknown> = {}) =>
      created(t.http().post('/requests').send(requestFactory.build(sourceId, overrides))),
  };
}
