import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

const id: TableColumnOptions = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
};

/** The seed's data model; written with TypeORM's Table API so one migration serves SQLite and PostgreSQL. */
export class InitialSchema1764072000000 implements MigrationInterface {
  name = 'InitialSchema1764072000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp =
      queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    const createdAt: TableColumnOptions = { name: 'created_at', type: timestamp };

    await queryRunner.createTable(
      new Table({
        name: 'operators',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'is_active', type: 'boolean', default: true },
          { name: 'max_load', type: 'integer' },
          { name: 'current_load', type: 'integer', default: 0 },
          createdAt,
        ],
        // current_load may exceed max_load only after max_load is lowered; assignments never push it there.
        checks: [
          { name: 'CHK_operators_current_load', expression: 'current_load >= 0' },
          { name: 'CHK_operators_max_load', expression: 'max_load >= 0' },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sources',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'varchar', length: '2000', isNullable: true },
          createdAt,
        ],
        uniques: [{ name: 'UQ_sources_name', columnNames: ['name'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'operator_source_weights',
        columns: [
          id,
          { name: 'source_id', type: 'integer' },
          { name: 'operator_id', type: 'integer' },
          { name: 'weight', type: 'integer' },
        ],
        uniques: [
          {
            name: 'UQ_operator_source_weights_source_operator',
            columnNames: ['source_id', 'operator_id'],
          },
        ],
        checks: [{ name: 'CHK_operator_source_weights_weight', expression: 'weight >= 0' }],
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
        indices: [{ name: 'IDX_operator_source_weights_operator', columnNames: ['operator_id'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'leads',
        columns: [
          id,
          { name: 'external_id', type: 'varchar', length: '255' },
          { name: 'name', type: 'varchar', length: '200', isNullable: true },
          { name: 'email', type: 'varchar', length: '320', isNullable: true },
          { name: 'phone', type: 'varchar', length: '50', isNullable: true },
          createdAt,
        ],
        uniques: [{ name: 'UQ_leads_external_id', columnNames: ['external_id'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'requests',
        columns: [
          id,
          { name: 'lead_id', type: 'integer' },
          { name: 'source_id', type: 'integer' },
          { name: 'operator_id', type: 'integer', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'message', type: 'text', isNullable: true },
          createdAt,
        ],
        checks: [{ name: 'CHK_requests_status', expression: "status IN ('active', 'closed')" }],
        foreignKeys: [
          { columnNames: ['lead_id'], referencedTableName: 'leads', referencedColumnNames: ['id'] },
          {
            columnNames: ['source_id'],
            referencedTableName: 'sources',
            referencedColumnNames: ['id'],
          },
          {
            columnNames: ['operator_id'],
            referencedTableName: 'operators',
            referencedColumnNames: ['id'],
          },
        ],
        // The list filters and the stats' group-by.
        indices: [
          { name: 'IDX_requests_lead', columnNames: ['lead_id'] },
          { name: 'IDX_requests_source_operator', columnNames: ['source_id', 'operator_id'] },
          { name: 'IDX_requests_operator_status', columnNames: ['operator_id', 'status'] },
          { name: 'IDX_requests_status', columnNames: ['status'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['requests', 'leads', 'operator_source_weights', 'sources', 'operators']) {
      await queryRunner.dropTable(table);
    }
  }
}
