import type { RecordKind } from '../../core/model';
import { recordViews } from '../../sources/views';

export type { ExecutionItem, RecordView as ExecutionKindMapping } from '../../core/execution-item';
export { STEP_CONTEXT } from '../../sources/automation/view';
export { TARGET_CONTEXT } from '../../sources/association/view';
export { TASK_CONTEXT } from '../../sources/maintenance-window/view';

/** Each record kind's entries in the views, as its kind declares them (sources/<kind>/view.ts). */
export const executionKinds = recordViews;

export const EXECUTION_KINDS = Object.keys(executionKinds) as RecordKind[];
