import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiKeysRepository } from './api-keys.repository';
import { OperatorApiKey } from './entities/operator-api-key.entity';

/** operator_api_keys: each operator's own keys. */
@Injectable()
export class OperatorApiKeysRepository extends ApiKeysRepository {
  constructor(@InjectRepository(OperatorApiKey) keys: Repository<OperatorApiKey>) {
    super(keys);
  }
}
