import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { readerQuery } from '../database/raw-query';
import { parseDbTimestamp } from '../database/timestamps';
import type { Tx } from '../database/tx';
import type { OperatorEventActor, OperatorEventType, Presence } from './presence';

/** One change in an operator's own history. */
export interface OperatorEvent {
  id: number;
  operatorId: number;
  type: OperatorEventType;
  /** The operator's presence after the change. */
  presence: Presence;
  reason: string | null;
  actor: OperatorEventActor;
  createdAt: Date;
}

const INSERT = `INSERT INTO operator_events (operator_id, type, presence, reason, actor, created_at)
  VALUES (?, ?, ?, ?, ?, ?)`;
const LIST = `SELECT id, operator_id AS "operatorId", type, presence, reason, actor,
    created_at AS "createdAt"
  FROM operator_events WHERE operator_id = ? ORDER BY id`;

/** The operator_events table: written in the transaction of the change it records. */
@Injectable()
export class OperatorEventsRepository {
  constructor(@InjectDataSource() private readonly reader: DataSource) {}

  async insert(tx: Tx, event: Omit<OperatorEvent, 'id'>): Promise<void> {
    await tx.query(INSERT, [
      event.operatorId,
      event.type,
      event.presence,
      event.reason,
      event.actor,
      event.createdAt,
    ]);
  }

  /** The operator's history, oldest first. */
  async list(operatorId: number): Promise<OperatorEvent[]> {
    const rows = await readerQuery(this.reader.manager).query<Record<string, unknown>>(LIST, [
      operatorId,
    ]);
    return rows.map((row) => ({
      id: Number(row.id),
      operatorId: Number(row.operatorId),
      type: row.type as OperatorEventType,
      presence: row.presence as Presence,
      reason: (row.reason as string | null) ?? null,
      actor: row.actor as OperatorEventActor,
      createdAt: parseDbTimestamp(row.createdAt as Date | string),
    }));
  }
}
