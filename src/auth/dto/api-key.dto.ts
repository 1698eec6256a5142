import { IsIn, IsString, Length, Matches } from 'class-validator';
import { API_KEY_ROLES, type ApiKeyRole } from '../entities/api-key.entity.js';

export class CreateApiKeyDto {
  /** What the key is for, e.g. `slack-bot` or `alice`. Shown on the timeline as the actor. */
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  /** admin, responder, bot or viewer. */
  @IsIn(API_KEY_ROLES)
  role: ApiKeyRole;
}

export class ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export class CreatedApiKeyView extends ApiKeyView {
  /** The secret, shown only in this answer. Stepwise keeps a hash of it. */
  key: string;
}
