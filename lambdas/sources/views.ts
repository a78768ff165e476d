import type { RecordKind } from '../core/model';
import type { RecordView } from '../core/execution-item';
import { associationExecutionEntry, associationTargetEntry } from './association/view';
import { automationExecutionEntry, automationStepEntry } from './automation/view';
import { windowExecutionEntry } from './maintenance-window/view';
import { commandInvocationEntry, commandEntry } from './run-command/view';
import { sessionEntry } from './session/view';

/**
 * How every record kind appears in the archive views. Apart from the kinds' collection code
 * (sources/index.ts), so the query function bundles only the mappings. Adding a kind adds its line.
 */
const views: readonly RecordView[] = [
  commandEntry,
  commandInvocationEntry,
  automationExecutionEntry,
  automationStepEntry,
  associationExecutionEntry,
  associationTargetEntry,
  windowExecutionEntry,
  sessionEntry,
];

export const recordViews = Object.fromEntries(views.map((view) => [view.recordKind, view])) as Readonly<Record<RecordKind, RecordView>>;
