import type { ApiKeyRole } from './entities/api-key.entity.js';

/** Who is calling: the API key that authenticated the request. */
export interface Principal {
  keyId: string;
  keyName: string;
  role: ApiKeyRole;
  /**
   * The name written on timeline events: the `X-Actor` header when a client acts for a person
   * (a chat bot relaying a user, a shared team key), otherwise the key's name.
   */
  actor: string;
}
