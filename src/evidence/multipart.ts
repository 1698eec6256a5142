import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../common/errors/domain-errors.js';
import { validatePlain } from '../common/http/validation.js';
import { MultipartEvidenceFieldsDto } from './dto/multipart-fields.dto.js';
import type { UploadInput } from './evidence.service.js';

/**
 * Reads a multipart upload's fields and opens its file as a stream (never buffered whole).
 * `capturedFrom` may be a JSON object or the separate fields `network`, `region`, `device`.
 */
export async function readMultipartUpload(request: FastifyRequest): Promise<UploadInput> {
  const part: MultipartFile | undefined = await request.file();
  if (!part) throw new ValidationError([{ field: 'file', message: 'a multipart upload needs a file part named "file"' }]);
  if (part.fieldname !== 'file') throw new ValidationError([{ field: part.fieldname, message: 'the file part must be named "file"' }]);
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(part.fields)) {
    const field = Array.isArray(value) ? value[0] : value;
    if (field && field.type === 'field') fields[name] = field.value;
  }
  const capturedFrom = parseCapturedFrom(fields);
  const plain: Record<string, unknown> = { kind: fields.kind, capturedAt: fields.capturedAt, filename: fields.filename };
  if (capturedFrom) plain.capturedFrom = capturedFrom;
  for (const key of Object.keys(plain)) if (plain[key] === undefined) delete plain[key];
  let dto: MultipartEvidenceFieldsDto;
  try {
    dto = validatePlain(MultipartEvidenceFieldsDto, plain);
  } catch (error) {
    part.file.resume(); // drain, so the client gets the answer instead of a stalled upload
    throw error;
  }
  return {
    source: part.file,
    kind: dto.kind,
    filename: dto.filename ?? part.filename,
    mediaType: part.mimetype,
    capturedFrom: dto.capturedFrom,
    capturedAt: dto.capturedAt,
    isTruncated: () => part.file.truncated,
  };
}

function parseCapturedFrom(fields: Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof fields.capturedFrom === 'string' && fields.capturedFrom.trim()) {
    try {
      const value: unknown = JSON.parse(fields.capturedFrom);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // fall through to the error below
    }
    throw new ValidationError([{ field: 'capturedFrom', message: 'capturedFrom must be a JSON object like {"network":"LTE"}' }]);
  }
  const separate = Object.fromEntries(['network', 'region', 'device'].filter((k) => typeof fields[k] === 'string').map((k) => [k, fields[k]]));
  return Object.keys(separate).length ? separate : undefined;
}
