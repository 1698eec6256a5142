import { MigrationInterface, QueryRunner } from "typeorm";

export class Retention1795600000004 implements MigrationInterface {
    name = 'Retention1795600000004'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "ix_slack_command_receipts_created_at" ON "slack_command_receipts"  ("created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_outbox_events_created_at" ON "outbox_events"  ("created_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_outbox_events_created_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_slack_command_receipts_created_at"`);
    }

}
