import { associationSource } from './association';
import { automationSource } from './automation';
import type { HistorySource } from '../core/model';
import { maintenanceWindowSource } from './maintenance-window';
import { runCommandSource } from './run-command';
import { sessionSource } from './session';

/** Every history kind the archive collects. Adding a kind adds one entry here. */
export const historySources: readonly HistorySource[] = [
  runCommandSource,
  automationSource,
  associationSource,
  maintenanceWindowSource,
  sessionSource,
];
