import { MigrationInterface, QueryRunner } from "typeorm";

export class RunbooksAndSteps1795589874598 implements MigrationInterface {
    name = 'RunbooksAndSteps1795589874598'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "runbooks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" character varying(64) NOT NULL, "version" integer NOT NULL, "title" character varying(200) NOT NULL, "description" text NOT NULL, "applies_to" jsonb NOT NULL, "priors" jsonb NOT NULL, "steps" jsonb NOT NULL, "created_by" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dc7c67d04939cf8155244322cff" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_runbooks_key_version" ON "runbooks"  ("key", "version") `);
        await queryRunner.query(`CREATE TYPE "public"."step_status" AS ENUM('pending', 'in_progress', 'done', 'skipped', 'blocked')`);
        await queryRunner.query(`CREATE TABLE "incident_steps" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "step_key" character varying(64) NOT NULL, "position" integer NOT NULL, "title" character varying(200) NOT NULL, "status" "public"."step_status" NOT NULL DEFAULT 'pending', "outcome" character varying(64), "notes" text, "observations" jsonb, "skip_reason" text, "attempts" integer NOT NULL DEFAULT '0', "started_by" character varying(100), "performed_by" character varying(100), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "time_spent_seconds" integer NOT NULL DEFAULT '0', "history" jsonb NOT NULL DEFAULT '[]', "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_2e354d1143406c748f5c2c70003" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_incident_steps_incident_key" ON "incident_steps"  ("incident_id", "step_key") `);
        await queryRunner.query(`ALTER TABLE "incident_steps" ADD CONSTRAINT "FK_6ffb843031e8ef8038cc2f145f0" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "incident_steps" DROP CONSTRAINT "FK_6ffb843031e8ef8038cc2f145f0"`);
        await queryRunner.query(`DROP INDEX "public"."uq_incident_steps_incident_key"`);
        await queryRunner.query(`DROP TABLE "incident_steps"`);
        await queryRunner.query(`DROP TYPE "public"."step_status"`);
        await queryRunner.query(`DROP INDEX "public"."uq_runbooks_key_version"`);
        await queryRunner.query(`DROP TABLE "runbooks"`);
    }

}
