import { NotFoundException } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import type { TransactionRunner } from '../database/transaction-runner';
import type { Tx } from '../database/tx';
import type { ApiKeyKind } from './api-key-kinds';
import { generateApiKey, hashApiKey, VISIBLE_KEY_CHARS } from './api-keys';
import type { ActiveApiKey, ApiKeysRepository } from './api-keys.repository';
import { type ApiKeyDto, type CreatedApiKeyDto, toApiKeyDto } from './dto/api-key.dto';

/**
 * Issues, lists and revokes one kind's keys, admin only; each kind's subclass says how to tell that
 * its owner exists.
 */
export abstract class ApiKeysService<Owner extends string> {
  protected constructor(
    private readonly kind: ApiKeyKind<Owner>,
    private readonly keys: ApiKeysRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Whether the owner (a source, an operator) exists: in `tx` when given, else as committed. */
  protected abstract ownerExists(id: number, tx?: Tx): Promise<boolean>;

  /** Issues a key for the owner; the key is returned here and never again. */
  create(ownerId: number): Promise<CreatedApiKeyDto> {
    const key = generateApiKey(this.kind.prefix);
    return this.transactions.run(async (tx) => {
      if (!(await this.ownerExists(ownerId, tx))) throw this.ownerNotFound(ownerId);
      const row = await this.keys.insert(tx, {
        ownerId,
        keyHash: hashApiKey(key),
        keyPrefix: key.slice(0, VISIBLE_KEY_CHARS),
        createdAt: new Date(),
        revokedAt: null,
      });
      return { id: row.id, key, created_at: row.createdAt.toISOString() };
    });
  }

  async list(ownerId: number, query: PaginationQueryDto): Promise<Page<ApiKeyDto<Owner>>> {
    await this.assertOwnerExists(ownerId);
    const { items, total } = await this.keys.page(ownerId, query);
    return { items: items.map((key) => toApiKeyDto(this.kind.owner, key)), total };
  }

  /** Revokes the key at once: every instance looks keys up per request. Revoking twice is a no-op. */
  async revoke(ownerId: number, keyId: number): Promise<void> {
    const revoked = await this.transactions.run((tx) =>
      this.keys.revoke(tx, ownerId, keyId, new Date()),
    );
    if (revoked) return;
    await this.assertOwnerExists(ownerId);
    if (!(await this.keys.exists(ownerId, keyId))) {
      throw new NotFoundException(`key ${keyId} of ${this.kind.owner} ${ownerId} not found`);
    }
  }

  /** The per-request lookup: one indexed read by the key's hash, revoked keys excluded. */
  findActiveByHash(keyHash: string): Promise<ActiveApiKey | null> {
    return this.keys.findActiveByHash(keyHash);
  }

  private async assertOwnerExists(id: number): Promise<void> {
    if (!(await this.ownerExists(id))) throw this.ownerNotFound(id);
  }

  private ownerNotFound(id: number): NotFoundException {
    return new NotFoundException(`${this.kind.owner} ${id} not found`);
  }
}
