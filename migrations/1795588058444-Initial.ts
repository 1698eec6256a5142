import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795588058444 implements MigrationInterface {
    name = 'Initial1795588058444'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."api_key_role" AS ENUM('admin', 'responder', 'bot', 'viewer')`);
        await queryRunner.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "prefix" character varying(32) NOT NULL, "secret_hash" character varying(64) NOT NULL, "role" "public"."api_key_role" NOT NULL, "created_by_key_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_keys_prefix" ON "api_keys"  ("prefix") `);
        await queryRunner.query(`CREATE TABLE "idempotency_records" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "api_key_id" uuid NOT NULL, "key" character varying(255) NOT NULL, "fingerprint" character varying(64) NOT NULL, "state" character varying(16) NOT NULL, "response_status" integer, "response_body" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9ae4e93699362b0d4e3da3dd1c2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_idempotency_records_created_at" ON "idempotency_records"  ("created_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_idempotency_records_key" ON "idempotency_records"  ("api_key_id", "key") `);
        await queryRunner.query(`CREATE TYPE "public"."incident_severity" AS ENUM('SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5')`);
        await queryRunner.query(`CREATE TYPE "public"."incident_status" AS ENUM('open', 'acknowledged', 'investigating', 'mitigated', 'resolved', 'closed')`);
        await queryRunner.query(`CREATE TYPE "public"."gateway_kind" AS ENUM('nginx', 'ingress-nginx', 'envoy', 'haproxy', 'aws-alb', 'cloudflare', 'traefik', 'caddy', 'apache', 'other')`);
        await queryRunner.query(`CREATE TABLE "incidents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "ref_number" SERIAL NOT NULL, "title" character varying(200) NOT NULL, "summary" text, "severity" "public"."incident_severity" NOT NULL, "status" "public"."incident_status" NOT NULL DEFAULT 'open', "service" character varying(100) NOT NULL, "environment" character varying(50), "gateway" "public"."gateway_kind", "symptom" jsonb, "impact" jsonb, "commander" character varying(100), "tags" text array NOT NULL DEFAULT '{}', "runbook_key" character varying(64), "runbook_version" integer, "resolution" text, "created_by" character varying(100) NOT NULL, "detected_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "acknowledged_at" TIMESTAMP WITH TIME ZONE, "investigating_at" TIMESTAMP WITH TIME ZONE, "mitigated_at" TIMESTAMP WITH TIME ZONE, "resolved_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_ccb34c01719889017e2246469f9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_incidents_ref_number" ON "incidents"  ("ref_number") `);
        await queryRunner.query(`CREATE INDEX "ix_incidents_service_created_at" ON "incidents"  ("service", "created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_incidents_status" ON "incidents"  ("status") `);
        await queryRunner.query(`CREATE INDEX "ix_incidents_created_at_id" ON "incidents"  ("created_at", "id") `);
        await queryRunner.query(`CREATE TABLE "timeline_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "seq" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" character varying(64) NOT NULL, "actor" character varying(100) NOT NULL, "message" text NOT NULL, "data" jsonb NOT NULL DEFAULT '{}', "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a7267f3a55a080185192d21cd5a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_timeline_events_seq" ON "timeline_events"  ("seq") `);
        await queryRunner.query(`CREATE INDEX "ix_timeline_events_incident_at" ON "timeline_events"  ("incident_id", "at", "seq") `);
        await queryRunner.query(`ALTER TABLE "timeline_events" ADD CONSTRAINT "FK_12534041667dabfc53e43776f36" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "timeline_events" DROP CONSTRAINT "FK_12534041667dabfc53e43776f36"`);
        await queryRunner.query(`DROP INDEX "public"."ix_timeline_events_incident_at"`);
        await queryRunner.query(`DROP INDEX "public"."uq_timeline_events_seq"`);
        await queryRunner.query(`DROP TABLE "timeline_events"`);
        await queryRunner.query(`DROP INDEX "public"."ix_incidents_created_at_id"`);
        await queryRunner.query(`DROP INDEX "public"."ix_incidents_status"`);
        await queryRunner.query(`DROP INDEX "public"."ix_incidents_service_created_at"`);
        await queryRunner.query(`DROP INDEX "public"."uq_incidents_ref_number"`);
        await queryRunner.query(`DROP TABLE "incidents"`);
        await queryRunner.query(`DROP TYPE "public"."gateway_kind"`);
        await queryRunner.query(`DROP TYPE "public"."incident_status"`);
        await queryRunner.query(`DROP TYPE "public"."incident_severity"`);
        await queryRunner.query(`DROP INDEX "public"."uq_idempotency_records_key"`);
        await queryRunner.query(`DROP INDEX "public"."ix_idempotency_records_created_at"`);
        await queryRunner.query(`DROP TABLE "idempotency_records"`);
        await queryRunner.query(`DROP INDEX "public"."uq_api_keys_prefix"`);
        await queryRunner.query(`DROP TABLE "api_keys"`);
        await queryRunner.query(`DROP TYPE "public"."api_key_role"`);
    }

}
