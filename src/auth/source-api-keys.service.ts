import { Injectable, NotFoundException } from '@nestjs/common';
import { SourcesRepository } from '../sources/sources.repository';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import { TransactionRunner } from '../database/transaction-runner';
import { generateApiKey, hashApiKey, VISIBLE_KEY_CHARS } from './api-keys';
import {
  CreatedSourceApiKeyDto,
  SourceApiKeyDto,
  toSourceApiKeyDto,
} from './dto/source-api-key.dto';
import { type ActiveIntakeKey, SourceApiKeysRepository } from './source-api-keys.repository';

export type { ActiveIntakeKey } from './source-api-keys.repository';

@Injectable()
export class SourceApiKeysService {
  constructor(
    private readonly keys: SourceApiKeysRepository,
    private readonly sources: SourcesRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Issues a key for the source; the key is returned here and never again. */
  create(sourceId: number): Promise<CreatedSourceApiKeyDto> {
    const key = generateApiKey();
    return this.transactions.run(async (tx) => {
      if (!(await this.sources.exists(sourceId, tx))) {
        throw new NotFoundException(`source ${sourceId} not found`);
      }
      const row = await this.keys.insert(tx, {
        sourceId,
        keyHash: hashApiKey(key),
        keyPrefix: key.slice(0, VISIBLE_KEY_CHARS),
        createdAt: new Date(),
        revokedAt: null,
      });
      return { id: row.id, key, created_at: row.createdAt.toISOString() };
    });
  }

  async list(sourceId: number, query: PaginationQueryDto): Promise<Page<SourceApiKeyDto>> {
    await this.assertSourceExists(sourceId);
    const { items, total } = await this.keys.page(sourceId, query);
    return { items: items.map(toSourceApiKeyDto), total };
  }

  /** Revokes the key at once: every instance looks keys up per request. Revoking twice is a no-op. */
  async revoke(sourceId: number, keyId: number): Promise<void> {
    const revoked = await this.transactions.run((tx) =>
      this.keys.revoke(tx, sourceId, keyId, new Date()),
    );
    if (revoked) return;
    await this.assertSourceExists(sourceId);
    if (!(await this.keys.exists(sourceId, keyId))) {
      throw new NotFoundException(`key ${keyId} of source ${sourceId} not found`);
    }
  }

  /** The per-request lookup: one indexed read by the key's hash, revoked keys excluded. */
  findActiveByHash(keyHash: string): Promise<ActiveIntakeKey | null> {
    return this.keys.findActiveByHash(keyHash);
  }

  private async assertSourceExists(id: number): Promise<void> {
    if (!(await this.sources.exists(id))) {
      throw new NotFoundException(`source ${id} not found`);
    }
  }
}
