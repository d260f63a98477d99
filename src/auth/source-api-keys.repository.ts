import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import type { Tx } from '../database/tx';
import { SourceApiKey } from './entities/source-api-key.entity';

export interface ActiveIntakeKey {
  id: number;
  sourceId: number;
  keyHash: string;
}

/** source_api_keys: the intake keys of each source, stored as hashes. */
@Injectable()
export class SourceApiKeysRepository {
  /** The per-request lookup, as plain SQL: it runs on every intake-key request. */
  private readonly lookupSql: string;

  constructor(@InjectRepository(SourceApiKey) private readonly keys: Repository<SourceApiKey>) {
    const hash = keys.manager.connection.driver.createParameter('hash', 0);
    this.lookupSql =
      'SELECT id, source_id AS "sourceId", key_hash AS "keyHash" FROM source_api_keys ' +
      `WHERE key_hash = ${hash} AND revoked_at IS NULL`;
  }

  /** Inserts a key; the row comes back with its id. */
  async insert(tx: Tx, key: Omit<SourceApiKey, 'id' | 'source'>): Promise<SourceApiKey> {
    const row = tx.manager.create(SourceApiKey, key);
    await tx.manager.insert(SourceApiKey, row);
    return row;
  }

  /** A page of the source's keys, by id, with their total. */
  async page(sourceId: number, { limit, offset }: PaginationQueryDto): Promise<Page<SourceApiKey>> {
    const [items, total] = await this.keys.findAndCount({
      where: { sourceId },
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  /** Revokes the source's key at `at` unless revoked already; false when nothing changed. */
  async revoke(tx: Tx, sourceId: number, keyId: number, at: Date): Promise<boolean> {
    const revoked = await tx.manager.update(
      SourceApiKey,
      { id: keyId, sourceId, revokedAt: IsNull() },
      { revokedAt: at },
    );
    return revoked.affected === 1;
  }

  exists(sourceId: number, keyId: number): Promise<boolean> {
    return this.keys.existsBy({ id: keyId, sourceId });
  }

  /** One indexed read by the key's hash, revoked keys excluded. */
  async findActiveByHash(keyHash: string): Promise<ActiveIntakeKey | null> {
    const [row] = await this.keys.manager.query<ActiveIntakeKey[]>(this.lookupSql, [keyHash]);
    return row
      ? { id: Number(row.id), sourceId: Number(row.sourceId), keyHash: row.keyHash }
      : null;
  }
}
