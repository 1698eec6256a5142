import { MigrationInterface, QueryRunner } from 'typeorm';

/** "Has this happened before?" reads the latest incidents of a gateway newest-first. */
export class SimilarCandidates1795600000003 implements MigrationInterface {
  name = 'SimilarCandidates1795600000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_incidents_gateway_created_at" ON "incidents" ("gateway", "created_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_incidents_gateway_created_at"`);
  }
}
