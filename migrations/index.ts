import { Initial1795588058444 } from './1795588058444-Initial.js';
import { RunbooksAndSteps1795589874598 } from './1795589874598-RunbooksAndSteps.js';
import { SeedRunbooks1795589874599 } from './1795589874599-SeedRunbooks.js';
import { Evidence1795592049534 } from './1795592049534-Evidence.js';
import { Postmortems1795593110511 } from './1795593110511-Postmortems.js';
import { HistorySearch1795600000000 } from './1795600000000-HistorySearch.js';
import { Chatops1795600000001 } from './1795600000001-Chatops.js';
import { HistoryPerformance1795600000002 } from './1795600000002-HistoryPerformance.js';
import { SimilarCandidates1795600000003 } from './1795600000003-SimilarCandidates.js';
import { Retention1795600000004 } from './1795600000004-Retention.js';
import { SimilarCandidatesFunction1795600000005 } from './1795600000005-SimilarCandidatesFunction.js';
import { CreatePathSpeed1795600000006 } from './1795600000006-CreatePathSpeed.js';

/** Every migration in order; listed explicitly so the ESM build needs no file globbing. */
export const MIGRATIONS: Function[] = [Initial1795588058444, RunbooksAndSteps1795589874598, SeedRunbooks1795589874599, Evidence1795592049534, Postmortems1795593110511, HistorySearch1795600000000, Chatops1795600000001, HistoryPerformance1795600000002, SimilarCandidates1795600000003, Retention1795600000004, SimilarCandidatesFunction1795600000005, CreatePathSpeed1795600000006];
