import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import type { Tx } from '../database/tx';
import { SourcesRepository } from '../sources/sources.repository';
import { SOURCE_KEYS } from './api-key-kinds';
import { ApiKeysService } from './api-keys.service';
import { SourceApiKeysRepository } from './source-api-keys.repository';

/** Sources' intake keys, for their bots. */
@Injectable()
export class SourceApiKeysService extends ApiKeysService<'source'> {
  constructor(
    keys: SourceApiKeysRepository,
    private readonly sources: SourcesRepository,
    transactions: TransactionRunner,
  ) {
    super(SOURCE_KEYS, keys, transactions);
  }

  protected override ownerExists(id: number, tx?: Tx): Promise<boolean> {
    return this.sources.exists(id, tx);
  }
}
