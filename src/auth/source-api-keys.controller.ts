import { SOURCE_KEYS } from './api-key-kinds';
import { ApiKeysController } from './api-keys.controller';
import { CreatedSourceApiKeyDto, SourceApiKeyDto } from './dto/api-key.dto';
import { SourceApiKeysService } from './source-api-keys.service';

export class SourceApiKeysController extends ApiKeysController(SOURCE_KEYS, {
  service: SourceApiKeysService,
  dtos: { created: CreatedSourceApiKeyDto, listed: SourceApiKeyDto },
  create: {
    summary: 'Issue an intake key for the source',
    description:
      'The key is returned once and stored only as a SHA-256 hash. It may call POST /requests ' +
      'for this source and nothing else (403).',
  },
  list: { summary: 'List the source’s intake keys (without the secret)' },
  revoke: {
    summary: 'Revoke an intake key',
    description: 'Effective at once on every instance; revoking a revoked key changes nothing.',
  },
}) {}
