import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Service levels read the requests created in a window (GET /analytics/service-levels): without
 * an index on created_at that is a scan of the whole history, which grows without end. Per
 * source the same index serves too (a window's rows, filtered), so intake pays for one more
 * index, not two. Each request's events are then found through IDX_request_events_request.
 */
export class ServiceLevelIndexes1764750000000 implements MigrationInterface {
  name = 'ServiceLevelIndexes1764750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "IDX_requests_created_at" ON requests (created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_requests_created_at"');
  }
}
