import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiKeysRepository } from './api-keys.repository';
import { SourceApiKey } from './entities/source-api-key.entity';

/** source_api_keys: the intake keys of each source. */
@Injectable()
export class SourceApiKeysRepository extends ApiKeysRepository {
  constructor(@InjectRepository(SourceApiKey) keys: Repository<SourceApiKey>) {
    super(keys);
  }
}
