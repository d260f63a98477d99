import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Waiting work: when a request was assigned and last changed, sticky sources, the request
 * history (which doubles as the event log that webhooks and the console read), and a partial
 * index that keeps the queue cheap to find however many requests are stored.
 * Plain ALTER TABLE ... ADD COLUMN, so SQLite does not rebuild the requests table.
 */
export class WaitingWork1764600000000 implements MigrationInterface {
  name = 'WaitingWork1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const boolFalse = postgres ? 'boolean NOT NULL DEFAULT false' : 'boolean NOT NULL DEFAULT 0';

    await queryRunner.query(`ALTER TABLE requests ADD COLUMN assigned_at ${timestamp} NULL`);
    await queryRunner.query(`ALTER TABLE requests ADD COLUMN updated_at ${timestamp} NULL`);
    await queryRunner.query(
      'UPDATE requests SET updated_at = created_at, ' +
        'assigned_at = CASE WHEN operator_id IS NULL THEN NULL ELSE created_at END',
    );
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN sticky ${boolFalse}`);

    // Only waiting rows are in these: the queue in arrival order, overall and per source.
    const waiting = "WHERE status = 'active' AND operator_id IS NULL";
    await queryRunner.query(
      `CREATE INDEX "IDX_requests_waiting" ON requests (created_at, id) ${waiting}`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_requests_waiting_source" ON requests (source_id, created_at, id) ${waiting}`,
    );
    // Sticky sources: the lead's latest assigned request on the source. It also serves every
    // lookup by lead, so the lead-only index goes.
    await queryRunner.query(
      'CREATE INDEX "IDX_requests_lead_source" ON requests (lead_id, source_id, id)',
    );
    await queryRunner.query('DROP INDEX "IDX_requests_lead"');
    // The stats count per source, operator and status from the index alone (no row reads, which
    // at a million requests cost ten times more); it replaces the (source_id, operator_id) one.
    await queryRunner.query(
      'CREATE INDEX "IDX_requests_source_operator_status" ON requests (source_id, operator_id, status)',
    );
    await queryRunner.query('DROP INDEX "IDX_requests_source_operator"');
    // A status alone selects half the table at best; every insert and close paid for it.
    await queryRunner.query('DROP INDEX "IDX_requests_status"');

    await queryRunner.createTable(
      new Table({
        name: 'request_events',
        columns: [
          {
            name: 'id',
            type: postgres ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'event_id', type: 'varchar', length: '40' },
          { name: 'request_id', type: 'integer' },
          { name: 'source_id', type: 'integer' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'operator_id', type: 'integer', isNullable: true },
          { name: 'previous_operator_id', type: 'integer', isNullable: true },
          { name: 'trigger', type: 'varchar', length: '16', isNullable: true },
          { name: 'actor', type: 'varchar', length: '16' },
          // The request as it was right after this change (JSON), for webhooks and the console.
          { name: 'request', type: 'text' },
          { name: 'created_at', type: timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['request_id'],
            referencedTableName: 'requests',
            referencedColumnNames: ['id'],
          },
        ],
        indices: [{ name: 'IDX_request_events_request', columnNames: ['request_id', 'id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('request_events');
    await queryRunner.query(
      'CREATE INDEX "IDX_requests_source_operator" ON requests (source_id, operator_id)',
    );
    await queryRunner.query('DROP INDEX "IDX_requests_source_operator_status"');
    await queryRunner.query('CREATE INDEX "IDX_requests_status" ON requests (status)');
    await queryRunner.query('CREATE INDEX "IDX_requests_lead" ON requests (lead_id)');
    await queryRunner.query('DROP INDEX "IDX_requests_lead_source"');
    await queryRunner.query('DROP INDEX "IDX_requests_waiting_source"');
    await queryRunner.query('DROP INDEX "IDX_requests_waiting"');
    await queryRunner.query('ALTER TABLE sources DROP COLUMN sticky');
    await queryRunner.query('ALTER TABLE requests DROP COLUMN updated_at');
    await queryRunner.query('ALTER TABLE requests DROP COLUMN assigned_at');
  }
}
