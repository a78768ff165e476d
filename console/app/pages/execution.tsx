import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getJson, ssmCall, type ExecutionDetail, type ExecutionItem, type LineageLink } from '../api';
import { ErrorExcerpt, ErrorNotice, ExecutionLink, FieldList, Loading, NodeLink, PageHeading, Preformatted, StatusBadge, TableScroll, Time, useResource } from '../components';
import { formatDuration, isoOfEpochSeconds, kindLabel, nodeLabel } from '../format';

/**
 * One execution of any kind (GET /executions/{id}): its key fields, when it happened, what
 * started it and what it started, and its children. What the views leave out of a child (a
 * plugin's output, a step's inputs and outputs) is read from the archive's SSM-compatible
 * endpoint, the same records SSM itself would answer with.
 */
const CHILD_LIMIT = 100;

/** The fields shown first, in this order; every other field goes to the full list. */
const KEY_FIELDS: readonly (readonly [keyof ExecutionItem, string])[] = [
  ['documentName', 'Document'],
  ['statusDetails', 'Status details'],
  ['detailedStatus', 'Detailed status'],
  ['targetCount', 'Targets'],
  ['completedCount', 'Completed'],
  ['errorCount', 'Errors'],
  ['resourceCountByStatus', 'Targets by status'],
  ['associationId', 'Association'],
  ['associationVersion', 'Association version'],
  ['windowId', 'Maintenance window'],
  ['owner', 'Owner'],
  ['reason', 'Reason'],
];
const SHOWN_ELSEWHERE: ReadonlySet<string> = new Set(['kind', 'status', 'instanceId', 'instanceName', 'error', 'errorTruncated', ...KEY_FIELDS.map(([name]) => name)]);

export function ExecutionPage({ id }: { readonly id: string }): JSX.Element {
  const detail = useResource(`execution:${id}`, (signal) => getJson<ExecutionDetail>(`/executions/${encodeURIComponent(id)}`, { limit: String(CHILD_LIMIT) }, signal));
  const kind = detail.state === 'loaded' ? kindLabel(detail.value.kind) : 'Execution';
  // One heading whatever the state, so the focus a navigation gave it stays once the execution loads.
  return (
    <>
      <PageHeading title={`${kind} ${id}`}>
        <span class="kind-label">{kind}</span> <code class="execution-id">{id}</code>
      </PageHeading>
      {detail.state === 'loading' ? <Loading what="the execution" /> : null}
      {detail.state === 'failed' ? <ErrorNotice error={detail.error} what="the execution" /> : null}
      {detail.state === 'loaded' ? <Execution detail={detail.value} /> : null}
    </>
  );
}

function Execution({ detail }: { readonly detail: ExecutionDetail }): JSX.Element {
  const { record } = detail;
  const keyFields = KEY_FIELDS.filter(([name]) => record[name] !== undefined && record[name] !== '');
  const otherFields = Object.entries(record).filter(([name]) => !SHOWN_ELSEWHERE.has(name));
  return (
    <>
      <section aria-labelledby="summary-heading" class="summary">
        <h2 id="summary-heading" class="visually-hidden">
          Summary
        </h2>
        <p class="status-line">
          <StatusBadge status={record.status} />
          {record.unconfirmed ? <span class="muted"> not yet confirmed by SSM</span> : null}
        </p>
        <dl class="key-fields">
          {record.instanceId ? (
            <div>
              <dt>Node</dt>
              <dd>
                <NodeLink instanceId={record.instanceId} instanceName={record.instanceName} />
              </dd>
            </div>
          ) : null}
          {keyFields.map(([name, label]) => (
            <div key={name}>
              <dt>{label}</dt>
              <dd>{String(record[name])}</dd>
            </div>
          ))}
        </dl>
        {record.error ? (
          <>
            <h3>Error</h3>
            <ErrorExcerpt text={record.error} truncated={record.errorTruncated} />
          </>
        ) : null}
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <StatusTimeline record={record} />
      </section>
      <Lineage detail={detail} />
      <Children detail={detail} />
      <section aria-labelledby="record-heading">
        <h2 id="record-heading">All fields</h2>
        <FieldList fields={otherFields} />
      </section>
    </>
  );
}

/** When it was requested, started and ended, and when the archive saw it, in time order. */
function StatusTimeline({ record }: { readonly record: ExecutionItem }): JSX.Element {
  const started = record.time !== '' && record.time !== record.requestedDateTime ? record.time : undefined;
  const events = [
    ['Requested', record.requestedDateTime],
    ['Started', started ?? (record.requestedDateTime ? undefined : record.time)],
    ['Last run', record.lastExecutionDate !== record.time ? record.lastExecutionDate : undefined],
    ['Ended', record.endTime],
    ['First seen by the archive', record.firstSeenAt],
    ['Last observed by the archive', record.observedAt],
  ]
    .filter((event): event is [string, string] => event[1] !== undefined && event[1] !== '')
    .sort((a, b) => a[1].localeCompare(b[1]));
  const duration = formatDuration(record.time || record.requestedDateTime, record.endTime);
  return (
    <>
      <ol class="timeline">
        {events.map(([label, iso]) => (
          <li key={label}>
            <span class="timeline-label">{label}</span> <Time iso={iso} />
          </li>
        ))}
      </ol>
      {duration ? <p>Ran for {duration}.</p> : null}
    </>
  );
}

function LineageList({ links, label }: { readonly links: readonly LineageLink[]; readonly label: string }): JSX.Element {
  return (
    <ul class="lineage" aria-label={label}>
      {links.map((link, index) => (
        <li key={`${link.kind}-${link.id}-${index}`}>
          {kindLabel(link.kind)} <ExecutionLink id={link.id} />
          {Object.entries(link.ids)
            .filter(([, value]) => value !== link.id && value !== '')
            .map(([name, value]) => (
              <span key={name} class="lineage-id">
                {' '}
                {name === 'ResourceId' ? <NodeLink instanceId={value} /> : (
                  <>
                    {name} <code>{value}</code>
                  </>
                )}
              </span>
            ))}
        </li>
      ))}
    </ul>
  );
}

function Lineage({ detail }: { readonly detail: ExecutionDetail }): JSX.Element | null {
  if (detail.startedBy.length === 0 && detail.started.length === 0) return null;
  return (
    <section aria-labelledby="lineage-heading">
      <h2 id="lineage-heading">Lineage</h2>
      {detail.startedBy.length > 0 ? (
        <>
          <h3>Started by</h3>
          <LineageList links={detail.startedBy} label="Started by" />
        </>
      ) : null}
      {detail.started.length > 0 ? (
        <>
          <h3>Started</h3>
          <LineageList links={detail.started} label="Started" />
        </>
      ) : null}
    </section>
  );
}

function Children({ detail }: { readonly detail: ExecutionDetail }): JSX.Element | null {
  if (detail.children.length === 0) return null;
  const more = detail.moreChildren ? <p class="muted">The first {detail.children.length} are shown; the execution has more.</p> : null;
  switch (detail.kind) {
    case 'command':
      return (
        <section aria-labelledby="children-heading">
          <h2 id="children-heading">Invocations</h2>
          {more}
          <ul class="children">
            {detail.children.map((invocation) => (
              <li key={invocation.instanceId}>
                <InvocationOutput invocation={invocation} />
              </li>
            ))}
          </ul>
        </section>
      );
    case 'automation-execution':
      return <AutomationSteps detail={detail} more={more} />;
    case 'association-execution':
      return <AssociationTargets detail={detail} more={more} />;
    case 'maintenance-window-execution':
      return <WindowTasks detail={detail} more={more} />;
    default:
      return null;
  }
}

/** ListCommandInvocations' plugin, as SSM's JSON protocol gives it (times in epoch seconds). */
interface CommandPlugin {
  readonly Name?: string;
  readonly Status?: string;
  readonly StatusDetails?: string;
  readonly ResponseCode?: number;
  readonly ResponseStartDateTime?: number;
  readonly ResponseFinishDateTime?: number;
  readonly Output?: string;
}

interface PluginOutput {
  readonly plugin: CommandPlugin;
  readonly stdout: string;
  readonly stderr: string;
  /** True when even the archive's copy is SSM's cut one. */
  readonly cut: boolean;
}

/** How the SSM agent marks what it cut and where stderr starts in a listed output. */
const OUTPUT_TRUNCATED = '\n---Output truncated---';
const ERROR_TRUNCATED = '\n---Error truncated----';
const ERROR_TITLE = '\n----------ERROR-------\n';

const isCut = (output: string): boolean => output.endsWith(OUTPUT_TRUNCATED) || output.endsWith(ERROR_TRUNCATED) || output.includes(OUTPUT_TRUNCATED + ERROR_TITLE);

function splitListed(output: string): { stdout: string; stderr: string } {
  const at = output.indexOf(ERROR_TITLE);
  return at < 0 ? { stdout: output, stderr: '' } : { stdout: output.slice(0, at), stderr: output.slice(at + ERROR_TITLE.length) };
}

/** Each plugin's whole output: the listed one, or GetCommandInvocation's where the listing was cut. */
async function pluginOutputs(commandId: string, instanceId: string, signal: AbortSignal): Promise<PluginOutput[]> {
  const listed = await ssmCall<{ CommandInvocations?: { CommandPlugins?: CommandPlugin[] }[] }>('ListCommandInvocations', { CommandId: commandId, InstanceId: instanceId, Details: true }, signal);
  const plugins = listed.CommandInvocations?.[0]?.CommandPlugins ?? [];
  return Promise.all(
    plugins.map(async (plugin): Promise<PluginOutput> => {
      const output = plugin.Output ?? '';
      if (!isCut(output) || plugin.Name === undefined) return { plugin, ...splitListed(output), cut: false };
      const full = await ssmCall<{ StandardOutputContent?: string; StandardErrorContent?: string }>('GetCommandInvocation', { CommandId: commandId, InstanceId: instanceId, PluginName: plugin.Name }, signal);
      const stdout = full.StandardOutputContent ?? '';
      const stderr = full.StandardErrorContent ?? '';
      return { plugin, stdout, stderr, cut: isCut(stdout) || isCut(stderr) };
    }),
  );
}

/** One node's invocation, its output read when it is opened. */
function InvocationOutput({ invocation }: { readonly invocation: ExecutionItem }): JSX.Element {
  const [open, setOpen] = useState(false);
  const instanceId = invocation.instanceId ?? '';
  return (
    <details class="child" data-instance-id={instanceId} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        <StatusBadge status={invocation.status} /> {nodeLabel(instanceId, invocation.instanceName)}
        {invocation.statusDetails && invocation.statusDetails !== invocation.status ? <span class="muted"> · {invocation.statusDetails}</span> : null}
      </summary>
      <div class="child-body">
        <p>
          Node <NodeLink instanceId={instanceId} instanceName={invocation.instanceName} /> · requested <Time iso={invocation.requestedDateTime ?? invocation.time} />
        </p>
        {open ? <PluginOutputs commandId={invocation.commandId ?? ''} instanceId={instanceId} /> : null}
      </div>
    </details>
  );
}

function PluginOutputs({ commandId, instanceId }: { readonly commandId: string; readonly instanceId: string }): JSX.Element {
  const outputs = useResource(`output:${commandId}:${instanceId}`, (signal) => pluginOutputs(commandId, instanceId, signal));
  if (outputs.state === 'loading') return <Loading what="the output" />;
  if (outputs.state === 'failed') return <ErrorNotice error={outputs.error} what="the output" />;
  if (outputs.value.length === 0) return <p class="muted">The archive holds no plugin output for this invocation.</p>;
  return (
    <div class="plugins">
      {outputs.value.map(({ plugin, stdout, stderr, cut }) => {
        const start = isoOfEpochSeconds(plugin.ResponseStartDateTime);
        const end = isoOfEpochSeconds(plugin.ResponseFinishDateTime);
        return (
          <div class="plugin" key={plugin.Name}>
            <h4>
              {plugin.Name ?? 'Plugin'} <StatusBadge status={plugin.Status} />
            </h4>
            <p class="muted">
              {plugin.ResponseCode !== undefined ? `Exit code ${plugin.ResponseCode}` : null}
              {start ? (
                <>
                  {' · started '}
                  <Time iso={start} />
                </>
              ) : null}
              {formatDuration(start, end) ? ` · ran ${formatDuration(start, end) ?? ''}` : null}
            </p>
            <h5>Standard output</h5>
            <Preformatted class="output">{stdout === '' ? '(none)' : stdout}</Preformatted>
            {stderr !== '' ? (
              <>
                <h5>Standard error</h5>
                <Preformatted class="output output-error">{stderr}</Preformatted>
              </>
            ) : null}
            {cut ? <p class="muted">SSM gave the archive this output cut short: the rest is only where the command sent it (S3, CloudWatch Logs).</p> : null}
          </div>
        );
      })}
    </div>
  );
}

/** DescribeAutomationStepExecutions' step, as SSM's JSON protocol gives it. */
interface StepExecution {
  readonly StepExecutionId?: string;
  readonly StepName?: string;
  readonly Action?: string;
  readonly StepStatus?: string;
  readonly ExecutionStartTime?: number;
  readonly ExecutionEndTime?: number;
  readonly Inputs?: Readonly<Record<string, string>>;
  readonly Outputs?: Readonly<Record<string, readonly string[]>>;
  readonly Response?: string;
  readonly FailureMessage?: string;
  readonly FailureDetails?: { readonly FailureStage?: string; readonly FailureType?: string; readonly Details?: Readonly<Record<string, readonly string[]>> };
}

function failureFields(details: NonNullable<StepExecution['FailureDetails']>): [string, string][] {
  const fields: [string, string | undefined][] = [
    ['FailureStage', details.FailureStage],
    ['FailureType', details.FailureType],
    ...Object.entries(details.Details ?? {}).map(([name, values]): [string, string] => [name, values.join(', ')]),
  ];
  return fields.filter((field): field is [string, string] => field[1] !== undefined);
}

async function stepExecutions(automationExecutionId: string, signal: AbortSignal): Promise<ReadonlyMap<string, StepExecution>> {
  const steps = new Map<string, StepExecution>();
  let nextToken: string | undefined;
  do {
    const page = await ssmCall<{ StepExecutions?: StepExecution[]; NextToken?: string }>(
      'DescribeAutomationStepExecutions',
      { AutomationExecutionId: automationExecutionId, MaxResults: 50, ...(nextToken ? { NextToken: nextToken } : {}) },
      signal,
    );
    for (const step of page.StepExecutions ?? []) if (step.StepExecutionId) steps.set(step.StepExecutionId, step);
    nextToken = page.NextToken;
  } while (nextToken);
  return steps;
}

function AutomationSteps({ detail, more }: { readonly detail: ExecutionDetail; readonly more: JSX.Element | null }): JSX.Element {
  const steps = useResource(`steps:${detail.id}`, (signal) => stepExecutions(detail.id, signal));
  const full = steps.state === 'loaded' ? steps.value : new Map<string, StepExecution>();
  return (
    <section aria-labelledby="children-heading">
      <h2 id="children-heading">Steps</h2>
      {more}
      {steps.state === 'loading' ? <Loading what="the steps' inputs and outputs" /> : null}
      {steps.state === 'failed' ? <ErrorNotice error={steps.error} what="the steps' inputs and outputs" /> : null}
      <ol class="children">
        {detail.children.map((step) => {
          const record = full.get(step.stepExecutionId ?? '');
          const command = detail.started.find((link) => link.ids['startedByStep'] === step.stepExecutionId);
          const start = isoOfEpochSeconds(record?.ExecutionStartTime);
          const end = isoOfEpochSeconds(record?.ExecutionEndTime);
          return (
            <li key={step.stepExecutionId}>
              <details class="child" open={step.status === 'Failed'}>
                <summary>
                  <StatusBadge status={step.status} /> {step.stepName ?? step.stepExecutionId}
                  {record?.Action ? <span class="muted"> · {record.Action}</span> : null}
                </summary>
                <div class="child-body">
                  <p class="muted">
                    {start ? (
                      <>
                        Started <Time iso={start} />
                      </>
                    ) : (
                      'Not started'
                    )}
                    {end ? (
                      <>
                        {', ended '}
                        <Time iso={end} />
                      </>
                    ) : null}
                  </p>
                  {command ? (
                    <p>
                      Started command <ExecutionLink id={command.id} kind="command" />
                    </p>
                  ) : null}
                  {step.statusDetails || record?.FailureMessage ? (
                    <>
                      <h4>Failure</h4>
                      <ErrorExcerpt text={record?.FailureMessage ?? step.statusDetails ?? ''} />
                      {record?.FailureDetails ? (
                        <FieldList
                          fields={failureFields(record.FailureDetails)}
                        />
                      ) : null}
                    </>
                  ) : null}
                  {record?.Inputs && Object.keys(record.Inputs).length > 0 ? (
                    <>
                      <h4>Inputs</h4>
                      <FieldList fields={Object.entries(record.Inputs)} />
                    </>
                  ) : null}
                  {record?.Outputs && Object.keys(record.Outputs).length > 0 ? (
                    <>
                      <h4>Outputs</h4>
                      <FieldList fields={Object.entries(record.Outputs).map(([name, values]) => [name, values.join('\n')] as const)} />
                    </>
                  ) : null}
                </div>
              </details>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function AssociationTargets({ detail, more }: { readonly detail: ExecutionDetail; readonly more: JSX.Element | null }): JSX.Element {
  return (
    <section aria-labelledby="children-heading">
      <h2 id="children-heading">Targets</h2>
      {more}
      <TableScroll label="The association execution's targets">
        <table>
          <caption class="visually-hidden">The association execution's targets</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Resource type</th>
              <th scope="col">Status</th>
              <th scope="col">Detailed status</th>
              <th scope="col">Last run</th>
              <th scope="col">Command</th>
            </tr>
          </thead>
          <tbody>
            {detail.children.map((target) => {
              const command = detail.started.find((link) => link.ids['ResourceId'] === target.instanceId);
              return (
                <tr key={target.instanceId}>
                  <td>{target.instanceId ? <NodeLink instanceId={target.instanceId} /> : ''}</td>
                  <td>{target.resourceType ?? ''}</td>
                  <td>
                    <StatusBadge status={target.status} />
                  </td>
                  <td>{target.detailedStatus ?? ''}</td>
                  <td>
                    <Time iso={target.lastExecutionDate} />
                  </td>
                  <td>{command ? <ExecutionLink id={command.id} kind="command" /> : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function WindowTasks({ detail, more }: { readonly detail: ExecutionDetail; readonly more: JSX.Element | null }): JSX.Element {
  return (
    <section aria-labelledby="children-heading">
      <h2 id="children-heading">Tasks</h2>
      {more}
      <ol class="children">
        {detail.children.map((task) => {
          const commands = detail.started.filter((link) => link.ids['TaskExecutionId'] === task.taskExecutionId);
          return (
            <li key={task.taskExecutionId} class="task">
              <h3>
                <StatusBadge status={task.status} /> {task.taskType ?? 'Task'} <code>{task.taskArn ?? task.taskExecutionId}</code>
              </h3>
              <p class="muted">
                Task execution <code>{task.taskExecutionId}</code> · started <Time iso={task.time} />
                {task.endTime ? (
                  <>
                    {', ended '}
                    <Time iso={task.endTime} />
                  </>
                ) : null}
              </p>
              {task.statusDetails ? <ErrorExcerpt text={task.statusDetails} /> : null}
              {commands.length > 0 ? (
                <>
                  <h4>Commands its invocations started</h4>
                  <ul class="lineage">
                    {commands.map((command) => (
                      <li key={command.id}>
                        <ExecutionLink id={command.id} kind="command" /> <span class="muted">invocation {command.ids['InvocationId'] ?? ''}</span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
