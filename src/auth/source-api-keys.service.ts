import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import { TransactionRunner } from '../database/transaction-runner';
import { Source } from '../sources/entities/source.entity';
import { generateApiKey, hashApiKey, VISIBLE_KEY_CHARS } from './api-keys';
import {
  CreatedSourceApiKeyDto,
  SourceApiKeyDto,
  toSourceApiKeyDto,
} from './dto/source-api-key.dto';
import { SourceApiKey } from './entities/source-api-key.entity';

export interface ActiveIntakeKey {
  id: number;
  sourceId: number;
  keyHash: string;
}

@Injectable()
export class SourceApiKeysService {
  /** The per-request lookup, as plain SQL: it runs on every intake-key request. */
  private readonly lookupSql: string;

  constructor(
    @InjectRepository(SourceApiKey) private readonly keys: Repository<SourceApiKey>,
    private readonly transactions: TransactionRunner,
  ) {
    const hash = keys.manager.connection.driver.createParameter('hash', 0);
    this.lookupSql =
      'SELECT id, source_id AS "sourceId", key_hash AS "keyHash" FROM source_api_keys ' +
      `WHERE key_hash = ${hash} AND revoked_at IS NULL`;
  }

  /** Issues a key for the source; the key is returned here and never again. */
  create(sourceId: number): Promise<CreatedSourceApiKeyDto> {
    const key = generateApiKey();
    return this.transactions.run(async ({ manager }) => {
      if (!(await manager.existsBy(Source, { id: sourceId }))) {
        throw new NotFoundException(`source ${sourceId} not found`);
      }
      const row = manager.create(SourceApiKey, {
        sourceId,
        keyHash: hashApiKey(key),
        keyPrefix: key.slice(0, VISIBLE_KEY_CHARS),
        createdAt: new Date(),
        revokedAt: null,
      });
      await manager.insert(SourceApiKey, row);
      return { id: row.id, key, created_at: row.createdAt.toISOString() };
    });
  }

  async list(
    sourceId: number,
    { limit, offset }: PaginationQueryDto,
  ): Promise<Page<SourceApiKeyDto>> {
    await this.assertSourceExists(sourceId);
    const [rows, total] = await this.keys.findAndCount({
      where: { sourceId },
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items: rows.map(toSourceApiKeyDto), total };
  }

  /** Revokes the key at once: every instance looks keys up per request. Revoking twice is a no-op. */
  async revoke(sourceId: number, keyId: number): Promise<void> {
    const revoked = await this.transactions.run(({ manager }) =>
      manager.update(
        SourceApiKey,
        { id: keyId, sourceId, revokedAt: IsNull() },
        { revokedAt: new Date() },
      ),
    );
    if (revoked.affected === 1) return;
    await this.assertSourceExists(sourceId);
    if (!(await this.keys.existsBy({ id: keyId, sourceId }))) {
      throw new NotFoundException(`key ${keyId} of source ${sourceId} not found`);
    }
  }

  /** The per-request lookup: one indexed read by the key's hash, revoked keys excluded. */
  async findActiveByHash(keyHash: string): Promise<ActiveIntakeKey | null> {
    const [row] = await this.keys.manager.query<ActiveIntakeKey[]>(this.lookupSql, [keyHash]);
    return row
      ? { id: Number(row.id), sourceId: Number(row.sourceId), keyHash: row.keyHash }
      : null;
  }

  private async assertSourceExists(id: number): Promise<void> {
    if (!(await this.keys.manager.existsBy(Source, { id }))) {
      throw new NotFoundException(`source ${id} not found`);
    }
  }
}
