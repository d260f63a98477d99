import { InitialSchema1764072000000 } from './1764072000000-InitialSchema';
import { ApiKeysAndIdempotency1764158400000 } from './1764158400000-ApiKeysAndIdempotency';
import { DistributionStrategies1764500000000 } from './1764500000000-DistributionStrategies';
import { WaitingWork1764600000000 } from './1764600000000-WaitingWork';
import { Webhooks1764700000000 } from './1764700000000-Webhooks';
import { ServiceLevelIndexes1764750000000 } from './1764750000000-ServiceLevelIndexes';
import { SkillsAndPriority1764800000000 } from './1764800000000-SkillsAndPriority';
import { Presence1764900000000 } from './1764900000000-Presence';
import { ServiceLevelCoveringIndexes1764950000000 } from './1764950000000-ServiceLevelCoveringIndexes';
import { Offers1765000000000 } from './1765000000000-Offers';
import { StaffingPlanIndex1765050000000 } from './1765050000000-StaffingPlanIndex';
import { WebhookEventsOfOperators1765100000000 } from './1765100000000-WebhookEventsOfOperators';
import { OperatorApiKeys1765200000000 } from './1765200000000-OperatorApiKeys';
import { WaitingExcludesOffers1765300000000 } from './1765300000000-WaitingExcludesOffers';
import { RequestFacts1765400000000 } from './1765400000000-RequestFacts';

/** Every migration, in order; listed as classes so ts-jest and the built app load the same set. */
export const migrations = [
  InitialSchema1764072000000,
  ApiKeysAndIdempotency1764158400000,
  DistributionStrategies1764500000000,
  WaitingWork1764600000000,
  Webhooks1764700000000,
  ServiceLevelIndexes1764750000000,
  SkillsAndPriority1764800000000,
  Presence1764900000000,
  ServiceLevelCoveringIndexes1764950000000,
  Offers1765000000000,
  StaffingPlanIndex1765050000000,
  WebhookEventsOfOperators1765100000000,
  OperatorApiKeys1765200000000,
  WaitingExcludesOffers1765300000000,
  RequestFacts1765400000000,
];
