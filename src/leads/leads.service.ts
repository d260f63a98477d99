import { Injectable, NotFoundException } from '@nestjs/common';
import type { Tx } from '../database/tx';
import type { Page, PaginationQueryDto } from '../common/pagination.dto';
import { LeadRequestResponseDto, toRequestResponse } from '../requests/dto/request-response.dto';
import { RequestsRepository } from '../requests/requests.repository';
import type { SourceRules } from '../sources/source-rules';
import { LeadResponseDto } from './dto/lead-response.dto';
import { Lead } from './entities/lead.entity';
import {
  CONTACT_FIELDS,
  type LeadContact,
  LeadsRepository,
  type StoredContact,
} from './leads.repository';

export type { LeadContact } from './leads.repository';

const givenContact = (contact: LeadContact) => ({
  name: contact.name ?? null,
  email: contact.email ?? null,
  phone: contact.phone ?? null,
});

const isBlank = (value: string | null | undefined) =>
  value === null || value === undefined || value.trim() === '';

@Injectable()
export class LeadsService {
  constructor(
    private readonly leads: LeadsRepository,
    private readonly requests: RequestsRepository,
  ) {}

  /**
   * One lead per external id, however many requests race for it: insert-or-ignore on the unique
   * key, then read. Blank contact fields of an existing lead are filled, others kept.
   */
  async findOrCreate(tx: Tx, contact: LeadContact): Promise<StoredContact> {
    const insertedId = await this.leads.insertIfNew(tx, contact);
    if (insertedId !== undefined) return { id: insertedId, ...givenContact(contact) };
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
    const found = await this.leads.intakeSourceWithNewLead(tx, contact, sourceId);
    if (!found) return undefined;
    const { source, newLeadId } = found;
    if (newLeadId !== null) return { source, lead: { id: newLeadId, ...givenContact(contact) } };
    return { source, lead: await this.completeExisting(tx, contact) };
  }

  /** An existing lead: blank contact fields are filled with the given ones, others kept. */
  private async completeExisting(tx: Tx, contact: LeadContact): Promise<StoredContact> {
    const lead = await this.leads.findContact(tx, contact.externalId);
    const fill = CONTACT_FIELDS.filter((f) => isBlank(lead[f]) && !isBlank(contact[f]));
    if (fill.length) {
      await this.leads.fillBlank(
        tx,
        lead.id,
        Object.fromEntries(fill.map((f) => [f, contact[f]!])),
      );
      for (const f of fill) lead[f] = contact[f]!;
    }
    return lead;
  }

  async list(query: PaginationQueryDto): Promise<Page<LeadResponseDto>> {
    const { items, total } = await this.leads.page(query);
    return { items: await this.withRequests(items), total };
  }

  async get(id: number): Promise<LeadResponseDto> {
    const lead = await this.leads.findById(id);
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
