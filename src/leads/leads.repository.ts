import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { findPage, type Page, type PaginationQueryDto } from '../common/pagination.dto';
import type { Tx } from '../database/tx';
import { SOURCE_RULES_COLUMNS, type SourceRules, toSourceRules } from '../sources/source-rules';
import { Lead } from './entities/lead.entity';

/** A lead's contact fields, as given by a request. */
export interface LeadContact {
  externalId: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

export const CONTACT_FIELDS = ['name', 'email', 'phone'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export type StoredContact = Pick<Lead, 'id' | 'name' | 'email' | 'phone'>;

// Insert-or-ignore on the unique external_id: a row comes back only when this call created it.
const INSERT_LEAD_IF_NEW = `INSERT INTO leads (external_id, name, email, phone, created_at)
  VALUES (?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING RETURNING id`;
const SELECT_LEAD_CONTACT = 'SELECT id, name, email, phone FROM leads WHERE external_id = ?';

const SELECT_SOURCE = `SELECT ${SOURCE_RULES_COLUMNS} FROM sources s WHERE s.id = ?`;
// PostgreSQL: the source and the insert-or-ignore of the lead in one round trip (a missing source
// rolls the transaction, and with it the lead, back). The source is locked in share mode until
// the commit: intakes share it, and no change that frees room for the source runs meanwhile, so
// a request stored as waiting cannot miss a wake-up (src/requests/lifecycle/lock-order.service.ts).
const SELECT_SOURCE_WITH_NEW_LEAD = `WITH lead AS (${INSERT_LEAD_IF_NEW})
  SELECT ${SOURCE_RULES_COLUMNS}, (SELECT id FROM lead) AS "leadId" FROM sources s WHERE s.id = ?
  FOR SHARE OF s`;

const leadValues = (contact: LeadContact) => [
  contact.externalId,
  contact.name ?? null,
  contact.email ?? null,
  contact.phone ?? null,
  new Date(),
];

/** leads: one row per external id, inserted by intake, read by GET /leads. */
@Injectable()
export class LeadsRepository {
  constructor(@InjectRepository(Lead) private readonly leads: Repository<Lead>) {}

  /** Inserts the lead unless its external id exists; the new id, or undefined when it existed. */
  async insertIfNew(tx: Tx, contact: LeadContact): Promise<number | undefined> {
    const [inserted] = await tx.query<{ id: number }>(INSERT_LEAD_IF_NEW, leadValues(contact));
    return inserted ? Number(inserted.id) : undefined;
  }

  /**
   * Intake's first statement: the request's source (undefined when there is none) and the lead,
   * inserted unless its external id exists (`newLeadId` null then). On PostgreSQL one round trip,
   * holding the source in share mode until the commit; on SQLite the lead is inserted only when
   * the source exists.
   */
  async intakeSourceWithNewLead(
    tx: Tx,
    contact: LeadContact,
    sourceId: number,
  ): Promise<{ source: SourceRules; newLeadId: number | null } | undefined> {
    if (tx.dialect !== 'postgres') {
      const [source] = await tx.query<Record<string, unknown>>(SELECT_SOURCE, [sourceId]);
      if (!source) return undefined;
      return {
        source: toSourceRules(source),
        newLeadId: (await this.insertIfNew(tx, contact)) ?? null,
      };
    }
    const [row] = await tx.query<Record<string, unknown> & { leadId: number | string | null }>(
      SELECT_SOURCE_WITH_NEW_LEAD,
      [...leadValues(contact), sourceId],
    );
    if (!row) return undefined;
    const source = toSourceRules(row);
    return { source, newLeadId: row.leadId === null ? null : Number(row.leadId) };
  }

  /** The lead with this external id (which exists: intake inserted or found it). */
  async findContact(tx: Tx, externalId: string): Promise<StoredContact> {
    const [lead] = await tx.query<StoredContact>(SELECT_LEAD_CONTACT, [externalId]);
    return lead;
  }

  /** Sets each of `values` on the lead where its column is still blank. */
  async fillBlank(
    tx: Tx,
    leadId: number,
    values: Partial<Record<ContactField, string>>,
  ): Promise<void> {
    const fields = Object.keys(values) as ContactField[];
    const update = tx.manager.createQueryBuilder().update(Lead).where('id = :id', { id: leadId });
    // Conditional per column, so a concurrent filler's value is never overwritten.
    update.set(
      Object.fromEntries(
        fields.map((f) => [
          f,
          () => `CASE WHEN ${f} IS NULL OR TRIM(${f}) = '' THEN :${f} ELSE ${f} END`,
        ]),
      ),
    );
    update.setParameters(values);
    await update.execute();
  }

  page(query: PaginationQueryDto): Promise<Page<Lead>> {
    return findPage(this.leads, query);
  }

  findById(id: number): Promise<Lead | null> {
    return this.leads.findOneBy({ id });
  }
}
