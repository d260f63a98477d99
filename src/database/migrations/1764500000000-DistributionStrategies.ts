import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Issue 4: a strategy per source, the smooth round-robin's state, and each request's decision.
 * Written with TypeORM's Table API so one migration serves SQLite and PostgreSQL.
 */
export class DistributionStrategies1764500000000 implements MigrationInterface {
  name = 'DistributionStrategies1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // null: the DISTRIBUTION_STRATEGY default.
    await queryRunner.addColumn(
      'sources',
      new TableColumn({ name: 'strategy', type: 'varchar', length: '64', isNullable: true }),
    );
    // JSON text written in the same INSERT as the request; null for requests made before.
    await queryRunner.addColumn(
      'requests',
      new TableColumn({ name: 'decision', type: 'text', isNullable: true }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'round_robin_state',
        columns: [
          { name: 'source_id', type: 'integer', isPrimary: true },
          { name: 'operator_id', type: 'integer', isPrimary: true },
          { name: 'current_value', type: 'bigint', default: 0 },
        ],
        foreignKeys: [
          {
            columnNames: ['source_id'],
            referencedTableName: 'sources',
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
        indices: [{ name: 'IDX_round_robin_state_operator', columnNames: ['operator_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('round_robin_state');
    await queryRunner.dropColumn('requests', 'decision');
    await queryRunner.dropColumn('sources', 'strategy');
  }
}
