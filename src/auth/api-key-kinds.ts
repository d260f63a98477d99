import { INTAKE_KEY_PREFIX, OPERATOR_KEY_PREFIX } from './api-keys';

/**
 * What tells one kind of API key from the other: whose keys they are and how they start. Their
 * tables, routes, DTOs and use cases are otherwise the same (ApiKeysRepository, ApiKeysService,
 * ApiKeysController, apiKeyDtos), so each kind states only this, its entity and its route docs.
 */
export interface ApiKeyKind<Owner extends string> {
  /** Who holds the keys: routes under /{owner}s/{id}/keys, the `{owner}_id` field, 404 texts. */
  readonly owner: Owner;
  /** What every key of this kind starts with (the guard tells the kinds apart by it). */
  readonly prefix: string;
  /** The OpenAPI examples: key `keyId` of the owner `ownerId`, whose secret is `key`. */
  readonly examples: { readonly ownerId: number; readonly keyId: number; readonly key: string };
}

/** A source's intake keys: what its bot presents to POST /requests. */
export const SOURCE_KEYS: ApiKeyKind<'source'> = {
  owner: 'source',
  prefix: INTAKE_KEY_PREFIX,
  examples: { ownerId: 1, keyId: 3, key: 'lds_q8Xv3kR2b0mZt7WcJdYp1LsN4aHfE6uG9iOxTyVwBzQ' },
};

/** An operator's own keys: what the person presents to /me and its own requests. */
export const OPERATOR_KEYS: ApiKeyKind<'operator'> = {
  owner: 'operator',
  prefix: OPERATOR_KEY_PREFIX,
  examples: { ownerId: 2, keyId: 4, key: 'ldo_Zk2Pq7Wm4Rt9Xv1Bn6Jc3Hs8Ld5Fg0Ay2Ue7Io4Tr1' },
};
