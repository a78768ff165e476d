import type { KindLineage } from '../query/views/execution-detail';
import { associationLineage } from './association/lineage';
import { automationLineage } from './automation/lineage';
import { maintenanceWindowLineage } from './maintenance-window/lineage';
import { runCommandLineage } from './run-command/lineage';
import { sessionLineage } from './session/lineage';

/** How each kind takes part in GET /executions/{id}. Adding a kind adds its line. */
export const KIND_LINEAGES: readonly KindLineage[] = [runCommandLineage, automationLineage, associationLineage, maintenanceWindowLineage, sessionLineage];
