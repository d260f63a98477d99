import { parseDbTimestamp } from '../database/timestamps';
import { parseSkills } from '../distribution/skills';
import type { RequestView } from './dto/request-response.dto';

/** A request view as a query returns it (timestamps as SQLite text or PostgreSQL Date). */
type Timestamp = Date | string;
export type RawRequestView = Omit<
  RequestView,
  | 'createdAt'
  | 'assignedAt'
  | 'updatedAt'
  | 'skills'
  | 'skillsRelaxed'
  | 'agingPerMinute'
  | 'pendingOffer'
> & {
  pendingOfferId?: unknown;
  pendingOfferOperatorId?: unknown;
  pendingOfferExpiresAt?: Timestamp | null;
  createdAt: Timestamp;
  assignedAt: Timestamp | null;
  updatedAt: Timestamp | null;
  /** JSON text. */
  skills: unknown;
  /** SQLite: 0/1. */
  skillsRelaxed: unknown;
  agingPerMinute?: unknown;
};

export function fromRawRequestView(row: RawRequestView): RequestView {
  return {
    id: Number(row.id),
    leadId: Number(row.leadId),
    sourceId: Number(row.sourceId),
    operatorId: row.operatorId === null ? null : Number(row.operatorId),
    operatorName: row.operatorName,
    status: row.status,
    message: row.message,
    createdAt: parseDbTimestamp(row.createdAt),
    assignedAt: row.assignedAt === null ? null : parseDbTimestamp(row.assignedAt),
    updatedAt: row.updatedAt === null ? null : parseDbTimestamp(row.updatedAt),
    skills: parseSkills(row.skills),
    priority: Number(row.priority),
    skillsRelaxed: Boolean(row.skillsRelaxed),
    agingPerMinute: row.agingPerMinute == null ? undefined : Number(row.agingPerMinute),
    pendingOffer:
      row.pendingOfferId == null
        ? null
        : {
            id: Number(row.pendingOfferId),
            operatorId: Number(row.pendingOfferOperatorId),
            expiresAt: parseDbTimestamp(row.pendingOfferExpiresAt!),
          },
  };
}
