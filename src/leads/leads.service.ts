import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Tx } from '../database/tx';
import { findPage, type Page, type PaginationQueryDto } from '../common/pagination.dto';
import { LeadRequestResponseDto, toRequestResponse } from '../requests/dto/request-response.dto';
import { RequestsRepository } from '../requests/requests.repository';
import { SOURCE_RULES_COLUMNS, type SourceRules, toSourceRules } from '../sources/source-rules';
import { LeadResponseDto } from './dto/lead-response.dto';
import { Lead } from './entities/lead.entity';

export interface LeadContact {
  externalId: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

const CONTACT_FIELDS = ['name', 'email', 'phone'] as const;

type StoredContact = Pick<Lead, 'id' | 'name' | 'email' | 'phone'>;

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

const givenContact = (contact: LeadContact) => ({
  name: contact.name ?? null,
  email: contact.email ?? null,
  phone: contact.phone ?? null,
});

const leadValues = (contact: LeadContact) => {
  const given = givenContact(contact);
  return [contact.externalId, given.name, given.email, given.phone, new Date()];
};

const isBlank = (value: string | null | undefined) =>
  value === null || value === undefined || value.trim() === '';

@Injectable()
export class LeadsService {
  constructor(
    @InjectRepository(Lead) private readonly leads: Repository<Lead>,
    private readonly requests: RequestsRepository,
  ) {}

  /**
   * One lead per external id, however many requests race for it: insert-or-ignore on the unique
   * key, then read. Blank contact fields of an existing lead are filled, others kept.
   */
  async findOrCreate(tx: Tx, contact: LeadContact): Promise<StoredContact> {
    const [inserted] = await tx.query<{ id: number }>(INSERT_LEAD_IF_NEW, leadValues(contact));
    if (inserted) return { id: Number(inserted.id), ...givenContact(contact) };
    return this.completeExisting(tx, contact);
  }

  /**
   * Intake: the request's source and its lead, found or created as findOrCreate does; undefined
   * when there is no such source (the caller rolls back). On PostgreSQL a new lead and the source
   * cost one round trip together.
   */
  async findOrCreateForSource(
    tx: Tx,
    contact: LeadContact,
    sourceId: number,
  ): Promise<{ source: SourceRules; lead: StoredContact } | undefined> {
    if (tx.dialect !== 'postgres') {
      const [row] = await tx.query<Record<string, unknown>>(SELECT_SOURCE, [sourceId]);
      return row && { source: toSourceRules(row), lead: await this.findOrCreate(tx, contact) };
    }
    const [row] = await tx.query<Record<string, unknown> & { leadId: number | string | null }>(
      SELECT_SOURCE_WITH_NEW_LEAD,
      [...leadValues(contact), sourceId],
    );
    if (!row) return undefined;
    const source = toSourceRules(row);
    if (row.leadId !== null) {
      return { source, lead: { id: Number(row.leadId), ...givenContact(contact) } };
    }
    return { source, lead: await this.completeExisting(tx, contact) };
  }

  /** An existing lead: blank contact fields are filled with the given ones, others kept. */
  private async completeExisting(tx: Tx, contact: LeadContact): Promise<StoredContact> {
    const [lead] = await tx.query<StoredContact>(SELECT_LEAD_CONTACT, [contact.externalId]);

    const fill = CONTACT_FIELDS.filter((f) => isBlank(lead[f]) && !isBlank(contact[f]));
    if (fill.length) {
      const update = tx.manager
        .createQueryBuilder()
        .update(Lead)
        .where('id = :id', { id: lead.id });
      // Conditional per column, so a concurrent filler's value is never overwritten.
      update.set(
        Object.fromEntries(
          fill.map((f) => [
            f,
            () => `CASE WHEN ${f} IS NULL OR TRIM(${f}) = '' THEN :${f} ELSE ${f} END`,
          ]),
        ),
      );
      update.setParameters(Object.fromEntries(fill.map((f) => [f, contact[f]])));
      await update.execute();
      for (const f of fill) lead[f] = contact[f]!;
    }
    return lead;
  }

  async list(query: PaginationQueryDto): Promise<Page<LeadResponseDto>> {
    const { items, total } = await findPage(this.leads, query);
    return { items: await this.withRequests(items), total };
  }

  async get(id: number): Promise<LeadResponseDto> {
    const lead = await this.leads.findOneBy({ id });
    if (!lead) throw new NotFoundException(`lead ${id} not found`);
    const [response] = await this.withRequests([lead]);
    return response;
  }

  private async withRequests(leads: Lead[]): Promise<LeadResponseDto[]> {
    if (leads.length === 0) return [];
    const rows = await this.requests.ofLeads(leads.map((l) => l.id));

    const byLead = new Map<number, LeadRequestResponseDto[]>();
    for (const row of rows) {
      const request = {
        ...toRequestResponse(row),
        source_name: row.sourceName,
      };
      byLead.set(row.leadId, [...(byLead.get(row.leadId) ?? []), request]);
    }
    return leads.map((lead) => ({
      id: lead.id,
      external_id: lead.externalId,
      name: lead.name,
      email: lead.email,
      phone: lead.phone,
      created_at: lead.createdAt.toISOString(),
      requests: byLead.get(lead.id) ?? [],
    }));
  }
}
