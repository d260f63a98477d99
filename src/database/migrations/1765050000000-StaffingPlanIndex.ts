import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staffing plan (GET /staffing/plan) counts one source's requests over up to 52 weeks,
 * grouped by quarter hour of creation. IDX_requests_created_at would read every source's
 * requests of the window and filter; (source_id, created_at) reads only the source's, and holds
 * both columns the count needs, so the table itself is not read.
 */
export class StaffingPlanIndex1765050000000 implements MigrationInterface {
  name = 'StaffingPlanIndex1765050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX "IDX_requests_source_created" ON requests (source_id, created_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_requests_source_created"');
  }
}
