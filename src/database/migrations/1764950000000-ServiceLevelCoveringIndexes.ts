import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /analytics/service-levels from the indexes alone (bench:growth: 1 000 000 requests of
 * history). The window's requests come from (created_at, source_id, id) without reading their
 * rows, per source too; each request's events from (request_id, id) widened with type, time and
 * trigger, without reading the events' rows (each carries the request's JSON, so a row read is a
 * page read). The events index is widened rather than joined by a second one: every event
 * insert pays for one index either way, and reads by request in id order still use it.
 */
export class ServiceLevelCoveringIndexes1764950000000 implements MigrationInterface {
  name = 'ServiceLevelCoveringIndexes1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX "IDX_requests_created_source" ON requests (created_at, source_id, id)',
    );
    await queryRunner.query('DROP INDEX "IDX_requests_created_at"');
    await queryRunner.query('DROP INDEX "IDX_request_events_request"');
    await queryRunner.query(
      'CREATE INDEX "IDX_request_events_request" ' +
        'ON request_events (request_id, id, type, created_at, trigger)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_request_events_request"');
    await queryRunner.query(
      'CREATE INDEX "IDX_request_events_request" ON request_events (request_id, id)',
    );
    await queryRunner.query('CREATE INDEX "IDX_requests_created_at" ON requests (created_at)');
    await queryRunner.query('DROP INDEX "IDX_requests_created_source"');
  }
}
