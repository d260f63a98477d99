import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import type { Tx } from '../database/tx';
import { OperatorApiKey } from './entities/operator-api-key.entity';

export interface ActiveOperatorKey {
  id: number;
  operatorId: number;
  keyHash: string;
}

/** operator_api_keys: each operator's own keys, stored as hashes. */
@Injectable()
export class OperatorApiKeysRepository {
  /** The per-request lookup, as plain SQL: it runs on every operator-key request. */
  private readonly lookupSql: string;

  constructor(@InjectRepository(OperatorApiKey) private readonly keys: Repository<OperatorApiKey>) {
    const hash = keys.manager.connection.driver.createParameter('hash', 0);
    this.lookupSql =
      'SELECT id, operator_id AS "operatorId", key_hash AS "keyHash" FROM operator_api_keys ' +
      `WHERE key_hash = ${hash} AND revoked_at IS NULL`;
  }

  /** Inserts a key; the row comes back with its id. */
  async insert(tx: Tx, key: Omit<OperatorApiKey, 'id' | 'operator'>): Promise<OperatorApiKey> {
    const row = tx.manager.create(OperatorApiKey, key);
    await tx.manager.insert(OperatorApiKey, row);
    return row;
  }

  /** A page of the operator's keys, by id, with their total. */
  async page(
    operatorId: number,
    { limit, offset }: PaginationQueryDto,
  ): Promise<Page<OperatorApiKey>> {
    const [items, total] = await this.keys.findAndCount({
      where: { operatorId },
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  /** Revokes the operator's key at `at` unless revoked already; false when nothing changed. */
  async revoke(tx: Tx, operatorId: number, keyId: number, at: Date): Promise<boolean> {
    const revoked = await tx.manager.update(
      OperatorApiKey,
      { id: keyId, operatorId, revokedAt: IsNull() },
      { revokedAt: at },
    );
    return revoked.affected === 1;
  }

  exists(operatorId: number, keyId: number): Promise<boolean> {
    return this.keys.existsBy({ id: keyId, operatorId });
  }

  /** One indexed read by the key's hash, revoked keys excluded. */
  async findActiveByHash(keyHash: string): Promise<ActiveOperatorKey | null> {
    const [row] = await this.keys.manager.query<ActiveOperatorKey[]>(this.lookupSql, [keyHash]);
    return row
      ? { id: Number(row.id), operatorId: Number(row.operatorId), keyHash: row.keyHash }
      : null;
  }
}
