import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import type { Tx } from '../database/tx';
import { OperatorsRepository } from '../operators/operators.repository';
import { OPERATOR_KEYS } from './api-key-kinds';
import { ApiKeysService } from './api-keys.service';
import { OperatorApiKeysRepository } from './operator-api-keys.repository';

/** Operators' own keys, for the people themselves. */
@Injectable()
export class OperatorApiKeysService extends ApiKeysService<'operator'> {
  constructor(
    keys: OperatorApiKeysRepository,
    private readonly operators: OperatorsRepository,
    transactions: TransactionRunner,
  ) {
    super(OPERATOR_KEYS, keys, transactions);
  }

  protected override async ownerExists(id: number, tx?: Tx): Promise<boolean> {
    return (await this.operators.find(id, tx)) !== null;
  }
}
