import type { RecordKind } from '../core/model';
import type { RecordView } from '../core/execution-item';
import type { NodeView, ParentView } from '../query/views/parent-views';
import { associationExecutionEntry, associationExecutionView, associationTargetEntry, targetNodeView } from './association/view';
import { automationExecutionEntry, automationExecutionView, automationStepEntry } from './automation/view';
import { windowExecutionEntry, windowTaskEntry, windowTaskInvocationEntry, windowView } from './maintenance-window/view';
import { commandInvocationEntry, commandEntry, commandView, invocationNodeView } from './run-command/view';
import { sessionEntry, sessionView } from './session/view';

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
  windowTaskEntry,
  windowTaskInvocationEntry,
  sessionEntry,
];

export const recordViews = Object.fromEntries(views.map((view) => [view.recordKind, view])) as Readonly<Record<RecordKind, RecordView>>;

/** The parent kinds, in the order they rank at one time when merged. */
export const PARENT_VIEWS: readonly ParentView[] = [commandView, automationExecutionView, associationExecutionView, windowView, sessionView];

/** What ran on a node, in the order they rank at one time. */
export const NODE_VIEWS: readonly NodeView[] = [invocationNodeView, targetNodeView, sessionView];
