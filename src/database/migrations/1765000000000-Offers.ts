import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Offers: a source may offer each request to its chosen operator instead of giving it. The
 * offers table is the history of every offer; the request row carries its pending offer (id,
 * operator, expiry) so that reading a request, and telling whether it waits, needs no join; the
 * operator row counts its pending offers (offered_load), which hold room as active requests do.
 * `excluding`: a declined or expired offer that still keeps its operator from the request's next
 * offers (cleared when nobody else is left). Operators count offers they let expire in a row.
 */
export class Offers1765000000000 implements MigrationInterface {
  name = 'Offers1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const add = (table: string, column: string) =>
      queryRunner.query(`ALTER TABLE ${table} ADD COLUMN ${column}`);

    await add('sources', `assignment varchar(16) NOT NULL DEFAULT 'direct'`);
    await add('sources', 'offer_timeout_seconds integer NOT NULL DEFAULT 60');
    await add('operators', 'offered_load integer NOT NULL DEFAULT 0');
    await add('operators', 'missed_offers integer NOT NULL DEFAULT 0');
    await add('requests', 'pending_offer_id integer NULL');
    await add('requests', 'pending_offer_operator_id integer NULL');
    await add('requests', `pending_offer_expires_at ${timestamp} NULL`);
    // An operator's offered requests are locked first when it changes (the lock order's step 1).
    await queryRunner.query(
      `CREATE INDEX "IDX_requests_pending_offer_operator" ON requests (pending_offer_operator_id)
        WHERE pending_offer_operator_id IS NOT NULL`,
    );

    await queryRunner.createTable(
      new Table({
        name: 'offers',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'request_id', type: 'integer' },
          { name: 'operator_id', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'created_at', type: timestamp },
          { name: 'expires_at', type: timestamp },
          { name: 'decided_at', type: timestamp, isNullable: true },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'excluding', type: 'boolean', default: false },
        ],
        foreignKeys: [
          {
            columnNames: ['request_id'],
            referencedTableName: 'requests',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['operator_id'],
            referencedTableName: 'operators',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          { name: 'IDX_offers_request', columnNames: ['request_id', 'id'] },
          { name: 'IDX_offers_operator_status', columnNames: ['operator_id', 'status', 'id'] },
          { name: 'IDX_offers_status', columnNames: ['status', 'id'] },
        ],
      }),
    );
    // The expiry pass reads only pending offers, soonest first: a small index however long the
    // history grows, so an idle pass costs one index probe.
    await queryRunner.query(
      `CREATE INDEX "IDX_offers_pending_expiry" ON offers (expires_at, id) WHERE status = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('offers');
    await queryRunner.query('DROP INDEX "IDX_requests_pending_offer_operator"');
    for (const [table, column] of [
      ['requests', 'pending_offer_expires_at'],
      ['requests', 'pending_offer_operator_id'],
      ['requests', 'pending_offer_id'],
      ['operators', 'missed_offers'],
      ['operators', 'offered_load'],
      ['sources', 'offer_timeout_seconds'],
      ['sources', 'assignment'],
    ]) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    }
  }
}
