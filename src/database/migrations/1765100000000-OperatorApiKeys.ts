import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Operators' own keys (hashed), as source_api_keys holds the sources' intake keys. */
export class OperatorApiKeys1765100000000 implements MigrationInterface {
  name = 'OperatorApiKeys1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp =
      queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'operator_api_keys',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'operator_id', type: 'integer' },
          { name: 'key_hash', type: 'varchar', length: '64' },
          { name: 'key_prefix', type: 'varchar', length: '16' },
          { name: 'created_at', type: timestamp },
          { name: 'revoked_at', type: timestamp, isNullable: true },
        ],
        // The per-request lookup is by hash: unique, hence indexed.
        uniques: [{ name: 'UQ_operator_api_keys_key_hash', columnNames: ['key_hash'] }],
        foreignKeys: [
          {
            columnNames: ['operator_id'],
            referencedTableName: 'operators',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'IDX_operator_api_keys_operator', columnNames: ['operator_id'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('operator_api_keys');
  }
}
