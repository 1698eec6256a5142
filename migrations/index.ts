import { Initial1795588058444 } from './1795588058444-Initial.js';

/** Every migration in order; listed explicitly so the ESM build needs no file globbing. */
export const MIGRATIONS: Function[] = [Initial1795588058444];
