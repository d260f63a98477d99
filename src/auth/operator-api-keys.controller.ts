import { OPERATOR_KEYS } from './api-key-kinds';
import { ApiKeysController } from './api-keys.controller';
import { CreatedOperatorApiKeyDto, OperatorApiKeyDto } from './dto/api-key.dto';
import { OperatorApiKeysService } from './operator-api-keys.service';

export class OperatorApiKeysController extends ApiKeysController(OPERATOR_KEYS, {
  service: OperatorApiKeysService,
  dtos: { created: CreatedOperatorApiKeyDto, listed: OperatorApiKeyDto },
  create: {
    summary: 'Issue an operator key (admin only)',
    description:
      'The key (`ldo_…`) is returned once and stored only as a SHA-256 hash. With it the ' +
      'person may call GET /me, GET /me/requests, PUT /operators/{own id}/presence, read its own ' +
      'requests and their history, and close them; every other route answers 403.',
  },
  list: { summary: 'List the operator’s keys, without the secret (admin only)' },
  revoke: {
    summary: 'Revoke an operator key (admin only)',
    description:
      'Effective at once on every instance (the next call with it is 401); revoking a revoked ' +
      'key changes nothing.',
  },
}) {}
