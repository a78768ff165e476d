import type { ExecutionDetail, ViewItem } from './archive-views';
import { between, durationText } from './durations';
import { nodeOf, statusWithDetails } from './listing-view';
import { firstLine, formatTable, printable, shortTime, text, type Column } from './table';

/** The table has room for an error's headline; CSV keeps the whole first line. */
const ERROR_WIDTH = 80;

const timeColumn = (title: string, read: (item: ViewItem) => string | undefined): Column<ViewItem> => ({
  title,
  cell: (item) => {
    const time = read(item);
    return time && shortTime(time);
  },
  full: read,
});

/** The status alone (steps' and tasks' details are failure messages: they go under ERROR). */
const statusAlone = (item: ViewItem): string | undefined => {
  const status = text(item.status);
  return item.unconfirmed === true ? `${status ?? '?'} [unconfirmed]` : status;
};

/** The error's headline: the excerpt the alerts carry, else a failure message in the status details. */
const errorColumn = (useDetails: boolean): Column<ViewItem> => ({
  title: 'ERROR',
  cell: (item) => firstLine(text(item.error) ?? (useDetails ? text(item.statusDetails) : undefined)),
  maxWidth: ERROR_WIDTH,
});

/** What each kind's children are called, and the columns they are listed with. */
interface ChildListing {
  readonly title: string;
  readonly columns: readonly Column<ViewItem>[];
}

const CHILD_LISTINGS: Readonly<Record<string, ChildListing>> = {
  'command-invocation': {
    title: 'Invocations',
    columns: [
      { title: 'INSTANCE', cell: nodeOf },
      { title: 'STATUS', cell: statusWithDetails },
      timeColumn('REQUESTED', (item) => text(item.requestedDateTime) ?? text(item.time)),
      errorColumn(false),
    ],
  },
  'automation-step': {
    title: 'Steps',
    columns: [
      { title: 'STEP', cell: (item) => text(item.stepName) },
      { title: 'STATUS', cell: statusAlone },
      timeColumn('STARTED', (item) => text(item.time)),
      { title: 'STEP EXECUTION ID', cell: (item) => text(item.stepExecutionId) },
      errorColumn(true),
    ],
  },
  'association-target': {
    title: 'Targets',
    columns: [
      { title: 'RESOURCE', cell: (item) => text(item.instanceId) },
      { title: 'TYPE', cell: (item) => text(item.resourceType) },
      { title: 'STATUS', cell: statusWithDetails },
      timeColumn('LAST RAN', (item) => text(item.lastExecutionDate) ?? text(item.time)),
    ],
  },
  'maintenance-window-task': {
    title: 'Tasks',
    columns: [
      { title: 'TASK EXECUTION ID', cell: (item) => text(item.taskExecutionId) },
      { title: 'TYPE', cell: (item) => text(item.taskType) },
      { title: 'TASK', cell: (item) => text(item.taskArn) },
      { title: 'STATUS', cell: statusAlone },
      timeColumn('STARTED', (item) => text(item.time)),
      timeColumn('ENDED', (item) => text(item.endTime)),
      errorColumn(true),
    ],
  },
};

/** Children of a kind this CLI does not know yet still list. */
const OTHER_CHILDREN: ChildListing = {
  title: 'Children',
  columns: [
    { title: 'KIND', cell: (item) => text(item.kind) },
    { title: 'STATUS', cell: statusWithDetails },
    timeColumn('TIME', (item) => text(item.time)),
    errorColumn(false),
  ],
};

/** Each parent kind's child kind, for the header of an execution with no children archived. */
const CHILD_KIND: Readonly<Record<string, string>> = {
  command: 'command-invocation',
  'automation-execution': 'automation-step',
  'association-execution': 'association-target',
  'maintenance-window-execution': 'maintenance-window-task',
};

/** How an execution's children are listed, or undefined for a kind that has none (a session). */
export function childListingOf(detail: ExecutionDetail): ChildListing | undefined {
  const childKind = text(detail.children[0]?.kind) ?? CHILD_KIND[detail.kind];
  if (childKind === undefined) return detail.children.length === 0 ? undefined : OTHER_CHILDREN;
  return CHILD_LISTINGS[childKind] ?? OTHER_CHILDREN;
}

/** `show --format csv` lists the children; a kind without any gets its header row alone. */
export function childColumnsOf(detail: ExecutionDetail): readonly Column<ViewItem>[] {
  return (childListingOf(detail) ?? OTHER_CHILDREN).columns;
}

interface Stage {
  readonly label: string;
  readonly at: string;
}

/**
 * What the record says of its course, in order: requested (Run Command), started (the time
 * the other kinds are listed by) and ended (a window's or a session's EndTime; an
 * association execution's last target run).
 */
export function stagesOf(record: ViewItem): readonly Stage[] {
  const kind = text(record.kind);
  const requested = text(record.requestedDateTime);
  const started = kind === 'command' || kind === 'command-invocation' ? undefined : text(record.time);
  const ended = text(record.endTime);
  const lastTargetRan = kind === 'association-execution' ? text(record.lastExecutionDate) : undefined;
  const stages: (Stage | undefined)[] = [
    requested === undefined ? undefined : { label: 'requested', at: requested },
    started === undefined ? undefined : { label: 'started', at: started },
    ended === undefined ? undefined : { label: 'ended', at: ended },
    lastTargetRan === undefined ? undefined : { label: 'last target ran', at: lastTargetRan },
  ];
  return stages.filter((stage): stage is Stage => stage !== undefined);
}

/** The stages one a line, each with the time since the one before, and the whole span at the end. */
export function timelineLines(record: ViewItem): string[] {
  const stages = stagesOf(record);
  const observed = text(record.observedAt);
  const width = Math.max(observed === undefined ? 0 : 'observed'.length, ...stages.map((stage) => stage.label.length));
  const lines = stages.map((stage, index) => {
    const previous = stages[index - 1];
    const step = between(previous?.at, stage.at);
    const total = index === stages.length - 1 && index >= 2 ? between(stages[0]?.at, stage.at) : undefined;
    const notes = [step === undefined ? undefined : `+${durationText(step)}`, total === undefined ? undefined : `(${durationText(total)} in all)`].filter(
      (note): note is string => note !== undefined,
    );
    return `  ${stage.label.padEnd(width)}  ${shortTime(stage.at)}${notes.length > 0 ? `  ${notes.join(' ')}` : ''}`;
  });
  // What the archive last read: for a kind whose records carry no end, the latest word on it.
  if (observed !== undefined) lines.push(`  ${'observed'.padEnd(width)}  ${shortTime(observed)}  ${statusAlone(record) ?? ''}`.trimEnd());
  return lines;
}

/** The record's own facts, label and value, those it has. */
function headerFields(detail: ExecutionDetail): [string, string | undefined][] {
  const record = detail.record;
  const details = text(record.statusDetails) ?? text(record.detailedStatus);
  const association = text(record.associationId);
  const version = text(record.associationVersion);
  const counts = [
    text(record.targetCount) && `${text(record.targetCount)} targets`,
    text(record.completedCount) && `${text(record.completedCount)} completed`,
    text(record.errorCount) && `${text(record.errorCount)} errors`,
  ].filter((count): count is string => typeof count === 'string');
  return [
    ['Status', statusAlone(record)],
    ['Account', text(record.account)],
    ['Region', text(record.region)],
    ['Details', details !== text(record.status) ? firstLine(details) : undefined],
    ['Document', text(record.documentName)],
    ['Node', nodeOf(record)],
    ['Association', association && (version ? `${association} (version ${version})` : association)],
    ['Window', text(record.windowId)],
    ['Targets', text(record.resourceCountByStatus) ?? (counts.length > 0 ? counts.join(', ') : undefined)],
    ['Owner', text(record.owner)],
    ['Reason', text(record.reason)],
  ];
}

/** "StepExecutionId=..., ResourceId=...": how the link was found, less the id it is shown by. */
function viaOf(link: ViewItem): string | undefined {
  const ids = link.ids !== null && typeof link.ids === 'object' ? Object.entries(link.ids as Record<string, unknown>) : [];
  const shown = ids.filter(([, value]) => text(value) !== undefined && value !== link.id).map(([name, value]) => `${name}=${text(value) ?? ''}`);
  return shown.length > 0 ? shown.join(', ') : undefined;
}

const LINK_COLUMNS: readonly Column<ViewItem>[] = [
  { title: 'KIND', cell: (link) => text(link.kind) },
  { title: 'ID', cell: (link) => text(link.id) },
  { title: 'VIA', cell: viaOf },
];

const indented = (block: string): string[] => block.split('\n').map((line) => `  ${line}`);

function lineageLines(title: string, links: readonly ViewItem[], none: string): string[] {
  if (links.length === 0) return [`${title}: ${none}`];
  return [`${title}:`, ...indented(formatTable(LINK_COLUMNS, links))];
}

/** `show`'s table format: header, timeline, error, children, lineage. */
export function executionText(detail: ExecutionDetail): string {
  const record = detail.record;
  const fields = headerFields(detail).filter((field): field is [string, string] => field[1] !== undefined);
  const width = Math.max(...fields.map(([label]) => label.length));
  const lines = [`${detail.kind} ${printable(detail.id)}`, ...fields.map(([label, value]) => `  ${label.padEnd(width)}  ${printable(value)}`)];

  const timeline = timelineLines(record);
  if (timeline.length > 0) lines.push('', 'Timeline:', ...timeline);

  const error = text(record.error);
  if (error !== undefined) {
    lines.push('', record.errorTruncated === true ? 'Error (its first lines):' : 'Error:', ...error.split(/\r?\n/).map((line) => `  ${printable(line)}`));
  }

  const listing = childListingOf(detail);
  if (listing !== undefined) {
    lines.push('');
    if (detail.children.length === 0) {
      lines.push(`${listing.title}: none archived`);
    } else {
      const count = detail.moreChildren ? `the first ${detail.children.length}; more with a larger --limit, up to 1000` : `${detail.children.length}`;
      lines.push(`${listing.title} (${count}):`, ...indented(formatTable(listing.columns, detail.children)));
    }
  }

  lines.push('', ...lineageLines('Started by', detail.startedBy, 'nothing the archive holds'));
  lines.push(...lineageLines('Started', detail.started, 'nothing the archive holds'));
  if (detail.startedBy.length + detail.started.length > 0) lines.push('', 'Follow a link with: ssm-history show <ID>');
  return `${lines.join('\n')}\n`;
}
