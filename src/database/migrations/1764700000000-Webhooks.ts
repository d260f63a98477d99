import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Webhooks: subscriptions, and the outbox of deliveries (one row per event and matching
 * subscription, written in the change's transaction). Due work is found through a partial index
 * that holds pending rows only, so it stays small however many delivered rows are kept.
 */
export class Webhooks1764700000000 implements MigrationInterface {
  name = 'Webhooks1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';

    await queryRunner.createTable(
      new Table({
        name: 'webhook_subscriptions',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'url', type: 'varchar', length: '2048' },
          // Bit i set: WEBHOOK_EVENT_TYPES[i] is sent (one AND in the outbox's insert).
          { name: 'event_mask', type: 'integer' },
          { name: 'source_id', type: 'integer', isNullable: true },
          { name: 'description', type: 'varchar', length: '2000', isNullable: true },
          { name: 'is_active', type: 'boolean', default: postgres ? 'true' : '1' },
          { name: 'secret', type: 'varchar', length: '64' },
          { name: 'created_at', type: timestamp },
          { name: 'updated_at', type: timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['source_id'],
            referencedTableName: 'sources',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          {
            name: 'id',
            type: postgres ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'subscription_id', type: 'integer' },
          { name: 'request_event_id', type: postgres ? 'bigint' : 'integer' },
          { name: 'event_id', type: 'varchar', length: '40' },
          { name: 'event_type', type: 'varchar', length: '32' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          // When it is due; while claimed, when the claim (lease) runs out.
          { name: 'next_attempt_at', type: timestamp },
          // The claim of the dispatcher sending it now; null when nobody holds it.
          { name: 'lock_token', type: 'varchar', length: '40', isNullable: true },
          { name: 'last_status_code', type: 'integer', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
          { name: 'delivered_at', type: timestamp, isNullable: true },
          { name: 'created_at', type: timestamp },
          { name: 'updated_at', type: timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['subscription_id'],
            referencedTableName: 'webhook_subscriptions',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['request_event_id'],
            referencedTableName: 'request_events',
            referencedColumnNames: ['id'],
          },
        ],
        indices: [
          { name: 'IDX_webhook_deliveries_subscription', columnNames: ['subscription_id', 'id'] },
        ],
      }),
    );
    // Due work: pending rows only, in due order.
    await queryRunner.query(
      'CREATE INDEX "IDX_webhook_deliveries_due" ON webhook_deliveries (next_attempt_at, id) ' +
        "WHERE status = 'pending'",
    );
    // The retention purge: finished rows by age.
    await queryRunner.query(
      'CREATE INDEX "IDX_webhook_deliveries_finished" ON webhook_deliveries (updated_at) ' +
        "WHERE status <> 'pending'",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('webhook_subscriptions');
  }
}
