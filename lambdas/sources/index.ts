import { associationCollection, associationSource } from './association';
import { automationCollection, automationSource } from './automation';
import type { HistorySource, ListedSource } from '../core/model';
import { maintenanceWindowCollection, maintenanceWindowSource } from './maintenance-window';
import { runCommandCollection, runCommandSource } from './run-command';
import { sessionCollection, sessionSource } from './session';

/** Every history kind the archive collects, each with its pollers' lister. Adding a kind adds one entry here and one below. */
export const historySources: readonly ListedSource[] = [
  runCommandSource,
  automationSource,
  associationSource,
  maintenanceWindowSource,
  sessionSource,
];

/**
 * The same kinds as the collector needs them: without the pollers' listers, which are most of
 * the listing code the collector's bundle would otherwise carry and never run.
 */
export const collectedSources: readonly HistorySource[] = [
  runCommandCollection,
  automationCollection,
  associationCollection,
  maintenanceWindowCollection,
  sessionCollection,
];
