import { Injectable, NotFoundException } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import { TransactionRunner } from '../database/transaction-runner';
import { OperatorsRepository } from '../operators/operators.repository';
import { generateApiKey, hashApiKey, OPERATOR_KEY_PREFIX, VISIBLE_KEY_CHARS } from './api-keys';
import {
  CreatedOperatorApiKeyDto,
  OperatorApiKeyDto,
  toOperatorApiKeyDto,
} from './dto/operator-api-key.dto';
import { type ActiveOperatorKey, OperatorApiKeysRepository } from './operator-api-keys.repository';

export type { ActiveOperatorKey } from './operator-api-keys.repository';

/** Operators' own keys: issued, listed and revoked by an admin, as intake keys are. */
@Injectable()
export class OperatorApiKeysService {
  constructor(
    private readonly keys: OperatorApiKeysRepository,
    private readonly operators: OperatorsRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Issues a key for the operator; the key is returned here and never again. */
  create(operatorId: number): Promise<CreatedOperatorApiKeyDto> {
    const key = generateApiKey(OPERATOR_KEY_PREFIX);
    return this.transactions.run(async (tx) => {
      if (!(await this.operators.find(operatorId, tx))) {
        throw new NotFoundException(`operator ${operatorId} not found`);
      }
      const row = await this.keys.insert(tx, {
        operatorId,
        keyHash: hashApiKey(key),
        keyPrefix: key.slice(0, VISIBLE_KEY_CHARS),
        createdAt: new Date(),
        revokedAt: null,
      });
      return { id: row.id, key, created_at: row.createdAt.toISOString() };
    });
  }

  async list(operatorId: number, query: PaginationQueryDto): Promise<Page<OperatorApiKeyDto>> {
    await this.assertOperatorExists(operatorId);
    const { items, total } = await this.keys.page(operatorId, query);
    return { items: items.map(toOperatorApiKeyDto), total };
  }

  /** Revokes the key at once: every instance looks keys up per request. Revoking twice is a no-op. */
  async revoke(operatorId: number, keyId: number): Promise<void> {
    const revoked = await this.transactions.run((tx) =>
      this.keys.revoke(tx, operatorId, keyId, new Date()),
    );
    if (revoked) return;
    await this.assertOperatorExists(operatorId);
    if (!(await this.keys.exists(operatorId, keyId))) {
      throw new NotFoundException(`key ${keyId} of operator ${operatorId} not found`);
    }
  }

  /** The per-request lookup: one indexed read by the key's hash, revoked keys excluded. */
  findActiveByHash(keyHash: string): Promise<ActiveOperatorKey | null> {
    return this.keys.findActiveByHash(keyHash);
  }

  private async assertOperatorExists(id: number): Promise<void> {
    if (!(await this.operators.find(id))) {
      throw new NotFoundException(`operator ${id} not found`);
    }
  }
}
