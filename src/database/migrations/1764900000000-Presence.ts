import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Presence and shifts: each operator's own state (available, away, offline) with its reason and
 * since when, its weekly schedule (JSON text, null = always on shift) with the next instant its
 * shift changes (indexed: the shift pass finds the operators whose change has come), and the
 * operators' own history. Plain ADD COLUMN, so SQLite does not rebuild the operators table.
 */
export class Presence1764900000000 implements MigrationInterface {
  name = 'Presence1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const add = (column: string) => queryRunner.query(`ALTER TABLE operators ADD COLUMN ${column}`);

    await add(`presence varchar(16) NOT NULL DEFAULT 'available'`);
    await add('presence_reason varchar(200) NULL');
    // Nullable only because ADD COLUMN cannot take a non-constant default; always written.
    await add(`presence_since ${timestamp} NULL`);
    await queryRunner.query('UPDATE operators SET presence_since = created_at');
    await add('schedule text NULL');
    await add(`next_shift_change_at ${timestamp} NULL`);
    await queryRunner.query(
      `CREATE INDEX "IDX_operators_next_shift_change" ON operators (next_shift_change_at)
        WHERE next_shift_change_at IS NOT NULL`,
    );

    await queryRunner.createTable(
      new Table({
        name: 'operator_events',
        columns: [
          {
            name: 'id',
            type: postgres ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'operator_id', type: 'integer' },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'presence', type: 'varchar', length: '16' },
          { name: 'reason', type: 'varchar', length: '200', isNullable: true },
          { name: 'actor', type: 'varchar', length: '16' },
          { name: 'created_at', type: timestamp },
        ],
        foreignKeys: [
          {
            columnNames: ['operator_id'],
            referencedTableName: 'operators',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'IDX_operator_events_operator', columnNames: ['operator_id', 'id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('operator_events');
    await queryRunner.query('DROP INDEX "IDX_operators_next_shift_change"');
    for (const column of [
      'next_shift_change_at',
      'schedule',
      'presence_since',
      'presence_reason',
      'presence',
    ]) {
      await queryRunner.query(`ALTER TABLE operators DROP COLUMN ${column}`);
    }
  }
}
