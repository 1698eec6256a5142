import { MigrationInterface, QueryRunner } from "typeorm";

export class Evidence1795592049534 implements MigrationInterface {
    name = 'Evidence1795592049534'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."evidence_kind" AS ENUM('har', 'log', 'trace', 'screenshot', 'command-output', 'config', 'note')`);
        await queryRunner.query(`CREATE TYPE "public"."evidence_parse_status" AS ENUM('pending', 'parsed', 'failed')`);
        await queryRunner.query(`CREATE TABLE "evidence" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "kind" "public"."evidence_kind" NOT NULL, "filename" character varying(255) NOT NULL, "media_type" character varying(127) NOT NULL, "size" bigint NOT NULL, "original_size" bigint NOT NULL, "sha256" character varying(64) NOT NULL, "captured_from" jsonb, "captured_at" TIMESTAMP WITH TIME ZONE, "uploaded_by" character varying(100) NOT NULL, "parse_status" "public"."evidence_parse_status" NOT NULL DEFAULT 'pending', "parse_error" text, "summary" jsonb NOT NULL DEFAULT '{}', "finding_count" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "parsed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b864cb5d49854f89917fc0b44b9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_evidence_incident_created" ON "evidence"  ("incident_id", "created_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_evidence_incident_sha256" ON "evidence"  ("incident_id", "sha256") `);
        await queryRunner.query(`CREATE TABLE "evidence_blobs" ("evidence_id" uuid NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_05d1635b2e621231297e9cb50f7" PRIMARY KEY ("evidence_id", "seq"))`);
        await queryRunner.query(`CREATE TYPE "public"."cause_category" AS ENUM('UPSTREAM_DOWN', 'UPSTREAM_TIMEOUT', 'UPSTREAM_RESET', 'GATEWAY_CONFIG', 'TLS', 'DNS', 'NETWORK', 'CDN_EDGE', 'CAPACITY', 'UNKNOWN')`);
        await queryRunner.query(`CREATE TABLE "findings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "evidence_id" uuid NOT NULL, "incident_id" uuid NOT NULL, "category" "public"."cause_category" NOT NULL, "signal" character varying(100) NOT NULL, "weight" double precision NOT NULL, "excerpt" text NOT NULL, "location" jsonb NOT NULL, "observed_at" TIMESTAMP WITH TIME ZONE, "upstream" character varying(255), "detail" jsonb, CONSTRAINT "PK_ae9807d6293c23c13ff8804d09c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_findings_evidence" ON "findings"  ("evidence_id") `);
        await queryRunner.query(`CREATE INDEX "ix_findings_incident" ON "findings"  ("incident_id") `);
        await queryRunner.query(`ALTER TABLE "evidence" ADD CONSTRAINT "FK_5641754daf52026460fe4e665a4" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "evidence_blobs" ADD CONSTRAINT "FK_4e4d8b40813757590dc91fd1286" FOREIGN KEY ("evidence_id") REFERENCES "evidence"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "findings" ADD CONSTRAINT "FK_a3332977560eed929407a10ae19" FOREIGN KEY ("evidence_id") REFERENCES "evidence"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "findings" DROP CONSTRAINT "FK_a3332977560eed929407a10ae19"`);
        await queryRunner.query(`ALTER TABLE "evidence_blobs" DROP CONSTRAINT "FK_4e4d8b40813757590dc91fd1286"`);
        await queryRunner.query(`ALTER TABLE "evidence" DROP CONSTRAINT "FK_5641754daf52026460fe4e665a4"`);
        await queryRunner.query(`DROP INDEX "public"."ix_findings_incident"`);
        await queryRunner.query(`DROP INDEX "public"."ix_findings_evidence"`);
        await queryRunner.query(`DROP TABLE "findings"`);
        await queryRunner.query(`DROP TYPE "public"."cause_category"`);
        await queryRunner.query(`DROP TABLE "evidence_blobs"`);
        await queryRunner.query(`DROP INDEX "public"."uq_evidence_incident_sha256"`);
        await queryRunner.query(`DROP INDEX "public"."ix_evidence_incident_created"`);
        await queryRunner.query(`DROP TABLE "evidence"`);
        await queryRunner.query(`DROP TYPE "public"."evidence_parse_status"`);
        await queryRunner.query(`DROP TYPE "public"."evidence_kind"`);
    }

}
