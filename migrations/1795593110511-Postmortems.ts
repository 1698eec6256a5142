import { MigrationInterface, QueryRunner } from "typeorm";

export class Postmortems1795593110511 implements MigrationInterface {
    name = 'Postmortems1795593110511'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."action_kind" AS ENUM('prevent', 'detect', 'mitigate', 'process')`);
        await queryRunner.query(`CREATE TYPE "public"."action_priority" AS ENUM('P1', 'P2', 'P3')`);
        await queryRunner.query(`CREATE TYPE "public"."action_status" AS ENUM('open', 'done', 'wont_do')`);
        await queryRunner.query(`CREATE TABLE "action_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "title" character varying(300) NOT NULL, "kind" "public"."action_kind" NOT NULL, "priority" "public"."action_priority" NOT NULL, "owner" character varying(100), "due_date" date NOT NULL, "status" "public"."action_status" NOT NULL DEFAULT 'open', "catalog_key" character varying(100), "category" "public"."cause_category", "created_by" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_5a84b168b001636b379312104ab" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_action_items_status_due" ON "action_items"  ("status", "due_date") `);
        await queryRunner.query(`CREATE INDEX "ix_action_items_incident" ON "action_items"  ("incident_id") `);
        await queryRunner.query(`CREATE TYPE "public"."postmortem_status" AS ENUM('draft', 'in_review', 'published')`);
        await queryRunner.query(`CREATE TABLE "postmortems" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "status" "public"."postmortem_status" NOT NULL DEFAULT 'draft', "revision" integer NOT NULL, "human_sections" jsonb NOT NULL DEFAULT '{}', "document" jsonb NOT NULL, "markdown" text NOT NULL, "blame_flags" jsonb NOT NULL DEFAULT '[]', "generated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, "published_by" character varying(100), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "REL_de5352cffc10107b78f069d067" UNIQUE ("incident_id"), CONSTRAINT "PK_a618a55900d7d04d080d50e0dd4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_postmortems_incident" ON "postmortems"  ("incident_id") `);
        await queryRunner.query(`CREATE TABLE "postmortem_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "revision" integer NOT NULL, "status" "public"."postmortem_status" NOT NULL, "human_sections" jsonb NOT NULL, "document" jsonb NOT NULL, "markdown" text NOT NULL, "generated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_320bc762927de56f797aa326cfd" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_postmortem_revisions" ON "postmortem_revisions"  ("incident_id", "revision") `);
        await queryRunner.query(`CREATE TABLE "recurrences" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "earlier_incident_id" uuid NOT NULL, "service" character varying(100) NOT NULL, "category" "public"."cause_category" NOT NULL, "open_action_item_ids" uuid array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bc886e2f5042804348556c33a2c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_recurrences_earlier" ON "recurrences"  ("earlier_incident_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_recurrences_pair" ON "recurrences"  ("incident_id", "earlier_incident_id", "category") `);
        await queryRunner.query(`CREATE TYPE "public"."root_cause_status" AS ENUM('suspected', 'confirmed', 'ruled_out')`);
        await queryRunner.query(`CREATE TABLE "root_causes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "category" "public"."cause_category" NOT NULL, "description" text NOT NULL, "status" "public"."root_cause_status" NOT NULL DEFAULT 'suspected', "primary" boolean NOT NULL DEFAULT false, "finding_ids" uuid array NOT NULL DEFAULT '{}', "step_keys" text array NOT NULL DEFAULT '{}', "created_by" character varying(100) NOT NULL, "confirmed_by" character varying(100), "confirmed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_4d9637430a26e5a612eed2d2518" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_root_causes_category_status" ON "root_causes"  ("category", "status") `);
        await queryRunner.query(`CREATE INDEX "ix_root_causes_incident" ON "root_causes"  ("incident_id") `);
        await queryRunner.query(`ALTER TABLE "action_items" ADD CONSTRAINT "FK_7449f643e378cd2dcfe6c2b675d" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "postmortems" ADD CONSTRAINT "FK_de5352cffc10107b78f069d0676" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "postmortem_revisions" ADD CONSTRAINT "FK_c8e2e672881790f5a987c2e84e2" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "root_causes" ADD CONSTRAINT "FK_fd735b76156c94599413a16db4f" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "root_causes" DROP CONSTRAINT "FK_fd735b76156c94599413a16db4f"`);
        await queryRunner.query(`ALTER TABLE "postmortem_revisions" DROP CONSTRAINT "FK_c8e2e672881790f5a987c2e84e2"`);
        await queryRunner.query(`ALTER TABLE "postmortems" DROP CONSTRAINT "FK_de5352cffc10107b78f069d0676"`);
        await queryRunner.query(`ALTER TABLE "action_items" DROP CONSTRAINT "FK_7449f643e378cd2dcfe6c2b675d"`);
        await queryRunner.query(`DROP INDEX "public"."ix_root_causes_incident"`);
        await queryRunner.query(`DROP INDEX "public"."ix_root_causes_category_status"`);
        await queryRunner.query(`DROP TABLE "root_causes"`);
        await queryRunner.query(`DROP TYPE "public"."root_cause_status"`);
        await queryRunner.query(`DROP INDEX "public"."uq_recurrences_pair"`);
        await queryRunner.query(`DROP INDEX "public"."ix_recurrences_earlier"`);
        await queryRunner.query(`DROP TABLE "recurrences"`);
        await queryRunner.query(`DROP INDEX "public"."uq_postmortem_revisions"`);
        await queryRunner.query(`DROP TABLE "postmortem_revisions"`);
        await queryRunner.query(`DROP INDEX "public"."uq_postmortems_incident"`);
        await queryRunner.query(`DROP TABLE "postmortems"`);
        await queryRunner.query(`DROP TYPE "public"."postmortem_status"`);
        await queryRunner.query(`DROP INDEX "public"."ix_action_items_incident"`);
        await queryRunner.query(`DROP INDEX "public"."ix_action_items_status_due"`);
        await queryRunner.query(`DROP TABLE "action_items"`);
        await queryRunner.query(`DROP TYPE "public"."action_status"`);
        await queryRunner.query(`DROP TYPE "public"."action_priority"`);
        await queryRunner.query(`DROP TYPE "public"."action_kind"`);
    }

}
