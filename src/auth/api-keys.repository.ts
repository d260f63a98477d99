import { IsNull, type Repository } from 'typeorm';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import type { Tx } from '../database/tx';
import type { ApiKey } from './entities/api-key.entity';

/** A key that works, as the guard reads it on every request. */
export interface ActiveApiKey {
  id: number;
  ownerId: number;
  keyHash: string;
}

/**
 * One kind's key table, stored as hashes (source_api_keys, operator_api_keys): each kind's
 * subclass only hands in its TypeORM repository, whose metadata names the table and owner column.
 */
export abstract class ApiKeysRepository {
  /** The per-request lookup, as plain SQL: it runs on every request with a key of this kind. */
  private readonly lookupSql: string;

  protected constructor(private readonly keys: Repository<ApiKey>) {
    const { tableName } = keys.metadata;
    const owner = keys.metadata.findColumnWithPropertyName('ownerId')?.databaseName;
    if (owner === undefined) throw new Error(`${tableName}: the entity maps no ownerId column`);
    const hash = keys.manager.connection.driver.createParameter('hash', 0);
    this.lookupSql =
      `SELECT id, ${owner} AS "ownerId", key_hash AS "keyHash" FROM ${tableName} ` +
      `WHERE key_hash = ${hash} AND revoked_at IS NULL`;
  }

  /** Inserts a key; the row comes back with its id. */
  async insert(tx: Tx, key: Omit<ApiKey, 'id'>): Promise<ApiKey> {
    const row = tx.manager.create(this.keys.target, key);
    await tx.manager.insert(this.keys.target, row);
    return row;
  }

  /** A page of the owner's keys, by id, with their total. */
  async page(ownerId: number, { limit, offset }: PaginationQueryDto): Promise<Page<ApiKey>> {
    const [items, total] = await this.keys.findAndCount({
      where: { ownerId },
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  /** Revokes the owner's key at `at` unless revoked already; false when nothing changed. */
  async revoke(tx: Tx, ownerId: number, keyId: number, at: Date): Promise<boolean> {
    const revoked = await tx.manager.update(
      this.keys.target,
      { id: keyId, ownerId, revokedAt: IsNull() },
      { revokedAt: at },
    );
    return revoked.affected === 1;
  }

  exists(ownerId: number, keyId: number): Promise<boolean> {
    return this.keys.existsBy({ id: keyId, ownerId });
  }

  /** One indexed read by the key's hash, revoked keys excluded. */
  async findActiveByHash(keyHash: string): Promise<ActiveApiKey | null> {
    const [row] = await this.keys.manager.query<ActiveApiKey[]>(this.lookupSql, [keyHash]);
    return row ? { id: Number(row.id), ownerId: Number(row.ownerId), keyHash: row.keyHash } : null;
  }
}
