import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

const id: TableColumnOptions = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
};

/** Per-source intake keys (hashed) and the Idempotency-Key store of POST /requests. */
export class ApiKeysAndIdempotency1764158400000 implements MigrationInterface {
  name = 'ApiKeysAndIdempotency1764158400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp =
      queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';

    await queryRunner.createTable(
      new Table({
        name: 'source_api_keys',
        columns: [
          id,
          { name: 'source_id', type: 'integer' },
          { name: 'key_hash', type: 'varchar', length: '64' },
          { name: 'key_prefix', type: 'varchar', length: '16' },
          { name: 'created_at', type: timestamp },
          { name: 'revoked_at', type: timestamp, isNullable: true },
        ],
        // The per-request lookup is by hash: unique, hence indexed.
        uniques: [{ name: 'UQ_source_api_keys_key_hash', columnNames: ['key_hash'] }],
        foreignKeys: [
          {
            columnNames: ['source_id'],
            referencedTableName: 'sources',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'IDX_source_api_keys_source', columnNames: ['source_id'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          id,
          { name: 'scope', type: 'varchar', length: '100' },
          { name: 'key', type: 'varchar', length: '255' },
          { name: 'body_hash', type: 'varchar', length: '64' },
          // null while the first request is in flight
          { name: 'status_code', type: 'integer', isNullable: true },
          { name: 'response', type: 'text', isNullable: true },
          { name: 'created_at', type: timestamp },
        ],
        // Decides between concurrent claimers of one key, across instances.
        uniques: [{ name: 'UQ_idempotency_keys_scope_key', columnNames: ['scope', 'key'] }],
        // The purge of expired keys.
        indices: [{ name: 'IDX_idempotency_keys_created_at', columnNames: ['created_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_keys');
    await queryRunner.dropTable('source_api_keys');
  }
}
