import { auditAssociationArchive, auditAutomationArchive, auditMaintenanceWindowArchive } from './archive-audit';
import { benchAlertLatency } from './alert-latency';
import { backfillJson, backfillLines, benchBackfill } from './backfill';
import { bundlesJson, bundlesLines, measureBundles } from './bundles';
import { benchCollection } from './collection';
import { benchCostModel, costModelJson, costModelLines } from './cost-model';
import { benchKindCollection, type KindCollectionFigures } from './kind-collection';
import { benchConsoleFirstView } from './console-first-view';
import { benchLocalStart } from './local-start';
import { benchQueryLatency } from './query-latency';
import { benchQueryLoad, queryLoadJson, queryLoadLines } from './query-load';
import { benchOrganizationPoll, organizationPollLines } from './organization-poll';
import { historySources } from '../lambdas/sources';
import type { HistoryKind } from '../lambdas/core/model';
import type { SsmSimulator } from '../local/ssm-simulator';

/**
 * `npm run bench`: the figures the issues set targets for, measured in one run and printed as
 * figures and ratios. `npm run bench -- --json` prints the same as one JSON object;
 * `npm run bench -- cost` runs only the cost model (about a minute).
 */
async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  if (process.argv.includes('organization')) {
    const organization = await benchOrganizationPoll();
    process.stdout.write(`${(json ? [JSON.stringify(organization)] : organizationPollLines(organization)).join('\n')}\n`);
    return;
  }
  if (process.argv.includes('cost')) {
    const cost = await benchCostModel();
    process.stdout.write(`${(json ? [JSON.stringify(costModelJson(cost))] : costModelLines(cost)).join('\n')}\n`);
    return;
  }
  const collection = await benchCollection({ nodes: 1000, seed: 7, duplicateRate: 0.1, batchSize: 10, concurrency: 5 });
  const replay = { seed: 7, duplicateRate: 0.1, batchSize: 10, concurrency: 5 };
  // Each kind's own events: the commands its steps, targets and tasks run are Run Command's to measure.
  const eventsOf = (kind: HistoryKind) => ({ ...replay, detailTypes: historySources.find((source) => source.kind === kind)?.eventDetailTypes ?? [] });
  const automation = await benchKindCollection(
    eventsOf('automation'),
    (simulator) => void simulator.startAutomation({ steps: AUTOMATION_STEPS, documentName: 'Bench-Runbook' }),
    auditAutomationArchive,
  );
  const playAssociation = (simulator: SsmSimulator) =>
    void simulator.createAssociation({ targets: ASSOCIATION_TARGETS, executions: ASSOCIATION_EXECUTIONS, intervalMs: 30 * 60_000, failures: [{ execution: 2, target: 7 }] });
  const association = await benchKindCollection(eventsOf('association'), playAssociation, auditAssociationArchive);
  // The other ways to meet an association's events once, on the same burst, without the pass ledger.
  const associationOptions = [];
  for (const option of GATHERING_OPTIONS) {
    const figures = await benchKindCollection({ ...eventsOf('association'), ...option.replay, passLedger: false }, playAssociation, auditAssociationArchive);
    associationOptions.push({ name: option.name, figures });
  }
  const maintenanceWindow = await benchKindCollection(
    eventsOf('maintenance-window'),
    (simulator) =>
      void simulator.createMaintenanceWindow({
        executions: WINDOW_EXECUTIONS,
        tasks: [{ targets: WINDOW_TARGETS, failures: [{ execution: 1, target: 3 }] }, { taskType: 'AUTOMATION', taskArn: 'AWS-CreateImage', targets: 1 }],
      }),
    auditMaintenanceWindowArchive,
  );
  // 41 interleaved rounds: on this 2-core machine the ratio of medians of 9 moved by ±0.05x between runs, of 21 by ±0.03x.
  const bundles = await measureBundles(BUNDLE_IMPORT_RUNS);
  // Same commands and node histories, ten times the invocations: only the archive's size differs.
  const { small, large } = await benchQueryLatency(100, 100, 1000, QUERY_ROUNDS);
  const localStart = await benchLocalStart();
  const queryLoad = await benchQueryLoad();
  // The organization (--accounts 3) costs more per query: its listings keep to one account's records.
  const queryLoadOrganization = await benchQueryLoad({ organization: true });
  const consoleView = await benchConsoleFirstView(100, 1000, CONSOLE_VIEWS);
  const alerts = await benchAlertLatency(ALERT_COMMANDS, ALERT_NODES);
  const cost = await benchCostModel();
  const organization = await benchOrganizationPoll();
  // Last: its 600,000 invocations (about 1.3 GB at peak) must not weigh on the in-process latency figures above.
  const backfill = await benchBackfill();
  const ssmCalls = Object.values(collection.ssmCalls).reduce((a, b) => a + b, 0);
  const automationSsmCalls = total(automation.ssmCalls);
  const automationCallBudget = Math.ceil(AUTOMATION_STEPS / 50) + 2;

  const figures = {
    events: collection.events,
    invocations: collection.invocations,
    eventsPerSecond: round(collection.events / collection.seconds, 0),
    ssmCalls,
    ssmCallsByOperation: collection.ssmCalls,
    ssmCallsPerInvocation: round(ssmCalls / collection.invocations, 4),
    detailReadsPerInvocation: round(collection.detailReads / collection.invocations, 4),
    ddbWrites: collection.ddbWrites,
    ddbWritesPerEvent: round(collection.ddbWrites / collection.events, 3),
    failedMessages: collection.failedMessages,
    finalStateMatches: collection.audit.matches,
    archiveDifferences: collection.audit.differences,
    fullOutputsChecked: collection.audit.fullOutputs,
    ...kindFigures('automation', automation),
    ...kindFigures('association', association),
    associationDeliveryDelaySeconds: ASSOCIATION_DELAY_SECONDS,
    associationLastEventToArchivedSeconds: round(ASSOCIATION_DELAY_SECONDS + association.seconds, 1),
    associationOptions: associationOptions.map(({ name, figures: option }) => ({
      name,
      ddbWritesPerRecord: round(option.ddbWrites / option.records, 3),
      ssmCallsPerRecord: round(total(option.ssmCalls) / option.records, 4),
      matches: option.matches,
    })),
    ...kindFigures('maintenanceWindow', maintenanceWindow),
    ...backfillJson(backfill),
    ...bundlesJson(bundles),
    queryArchiveInvocations: large.invocations,
    listCommandInvocationsP50Ms: round(large.listCommandInvocations.p50, 1),
    listCommandInvocationsP99Ms: round(large.listCommandInvocations.p99, 1),
    timelineP50Ms: round(large.timeline.p50, 1),
    timelineP99Ms: round(large.timeline.p99, 1),
    listCommandInvocationsP99Ratio100kTo10k: round(large.listCommandInvocations.p99 / small.listCommandInvocations.p99, 2),
    timelineP99Ratio100kTo10k: round(large.timeline.p99 / small.timeline.p99, 2),
    localModeReadySeconds: round(localStart.firstStartSeconds, 2),
    localModeRestartReadySeconds: round(localStart.restartSeconds, 2),
    ...queryLoadJson(queryLoad),
    ...queryLoadJson(queryLoadOrganization, 'queryLoadOrganization'),
    executionsP50Ms: round(large.executions.p50, 1),
    executionsP99Ms: round(large.executions.p99, 1),
    nodeHistoryP50Ms: round(large.nodeHistory.p50, 1),
    nodeHistoryP99Ms: round(large.nodeHistory.p99, 1),
    nodeHistoryP99Ratio100kTo10k: round(large.nodeHistory.p99 / small.nodeHistory.p99, 2),
    consoleArchiveInvocations: consoleView.invocations,
    consoleFirstViewMedianMs: round(median(consoleView.firstViewMs), 0),
    consoleFirstViewMaxMs: round(Math.max(...consoleView.firstViewMs), 0),
    consoleScriptBytes: consoleView.scriptBytes,
    consoleScriptGzipBytes: consoleView.scriptGzipBytes,
    alertsExpected: alerts.expected,
    alertsPublished: alerts.alerted,
    alertsDuplicated: alerts.duplicated,
    alertLatencyP50Ms: alerts.p50Ms,
    alertLatencyP99Ms: alerts.p99Ms,
    alertLatencyMaxMs: alerts.maxMs,
    ...costModelJson(cost),
    organizationPoll: organization,
  };

  if (json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  const target = (ok: boolean, text: string) => `${ok ? 'ok  ' : 'MISS'} ${text}`;
  const lines = [
    `Run Command collection: 1 command x ${figures.invocations} nodes, ${figures.events} events (shuffled, 10% duplicated), SQS batches of 10, 5 collectors at once`,
    `  events/s                      ${figures.eventsPerSecond}`,
    `  SSM calls                     ${figures.ssmCalls}  ${JSON.stringify(figures.ssmCallsByOperation)}`,
    `  ${target(
      figures.ssmCallsPerInvocation <= 0.1 + figures.detailReadsPerInvocation,
      `SSM calls per invocation      ${figures.ssmCallsPerInvocation}  (target <= 0.1 + ${figures.detailReadsPerInvocation} GetCommandInvocation per invocation for the plugins of failed, timed-out and cancelled ones; listing floor 0.02)`,
    )}`,
    `  ${target(figures.ddbWritesPerEvent <= 1.5, `DynamoDB writes per event     ${figures.ddbWritesPerEvent}  (${figures.ddbWrites} writes; target <= 1.5)`)}`,
    `  ${target(figures.finalStateMatches, `final archive equals SSM      ${figures.finalStateMatches}  (${figures.invocations} invocations, ${figures.fullOutputsChecked} full outputs checked${figures.archiveDifferences.length ? `; ${figures.archiveDifferences.join('; ')}` : ''})`)}`,
    `  messages failed               ${figures.failedMessages}`,
    ...kindLines(`Automation: 1 execution x ${AUTOMATION_STEPS} steps`, automation, 'the execution and its steps', {
      callsLine: target(
        automationSsmCalls <= automationCallBudget,
        `SSM calls                     ${automationSsmCalls}  ${JSON.stringify(automation.ssmCalls)}  (target <= ceil(${AUTOMATION_STEPS}/50)+2 = ${automationCallBudget})`,
      ),
      writesPerRecord: RECORD_WRITES_TARGET,
    }),
    ...kindLines(
      `State Manager: 1 association x ${ASSOCIATION_TARGETS} nodes x ${ASSOCIATION_EXECUTIONS} executions, through the gathering queue (${ASSOCIATION_DELAY_SECONDS} s delivery delay) and the pass ledger`,
      association,
      'executions and their targets',
      { callsPerRecord: ASSOCIATION_CALLS_TARGET, writesPerRecord: RECORD_WRITES_TARGET },
    ),
    `  ${target(
      figures.associationLastEventToArchivedSeconds <= 120,
      `last event to archived        <= ${figures.associationLastEventToArchivedSeconds} s  (the ${ASSOCIATION_DELAY_SECONDS} s delivery delay + ${round(association.seconds, 1)} s to collect the whole burst; target <= 120 s)`,
    )}`,
    `  options measured on the same burst, without the pass ledger:       writes/record  SSM calls/record`,
    ...associationOptions.map(
      ({ name, figures: option }) =>
        `    ${name.padEnd(62)} ${String(round(option.ddbWrites / option.records, 3)).padEnd(14)} ${round(total(option.ssmCalls) / option.records, 4)}${option.matches ? '' : '  (archive differs from SSM)'}`,
    ),
    `    ${'gathering queue + pass ledger (chosen: the figures above)'.padEnd(62)} ${String(round(association.ddbWrites / association.records, 3)).padEnd(14)} ${round(total(association.ssmCalls) / association.records, 4)}`,
    ...kindLines(
      `Maintenance Windows: 1 window x ${WINDOW_EXECUTIONS} executions x 2 tasks (${WINDOW_TARGETS} targets and 1)`,
      maintenanceWindow,
      'window executions, tasks and invocations',
      { writesPerRecord: RECORD_WRITES_TARGET },
    ),
    ...backfillLines(backfill),
    ...organizationPollLines(organization),
    ...bundlesLines(bundles),
    `Query handler over ${figures.queryArchiveInvocations} invocations in dynalite (in-process handler, first and next pages of 50)`,
    `  ${target(figures.listCommandInvocationsP99Ms < 50, `ListCommandInvocations        p50 ${figures.listCommandInvocationsP50Ms} ms, p99 ${figures.listCommandInvocationsP99Ms} ms  (target p99 < 50 ms)`)}`,
    `  ${target(figures.timelineP99Ms < 50, `timeline and node history     p50 ${figures.timelineP50Ms} ms, p99 ${figures.timelineP99Ms} ms  (target p99 < 50 ms)`)}`,
    `  ${target(figures.nodeHistoryP99Ms < 50, `node history alone            p50 ${figures.nodeHistoryP50Ms} ms, p99 ${figures.nodeHistoryP99Ms} ms  (GET /instances/{id}/history, first and next pages; target p99 < 50 ms)`)}`,
    `       GET /executions alone      p50 ${figures.executionsP50Ms} ms, p99 ${figures.executionsP99Ms} ms`,
    `  ${target(
      Math.max(figures.listCommandInvocationsP99Ratio100kTo10k, figures.timelineP99Ratio100kTo10k, figures.nodeHistoryP99Ratio100kTo10k) <= 1.2,
      `p99 at 100k / p99 at 10k      ListCommandInvocations ${figures.listCommandInvocationsP99Ratio100kTo10k}x, timeline ${figures.timelineP99Ratio100kTo10k}x, node history ${figures.nodeHistoryP99Ratio100kTo10k}x  (100 commands to 100 vs 1,000 nodes; target <= 1.2: flat)`,
    )}`,
    `Local mode (node --import tsx bin/local.ts, as npm start runs it)`,
    `  ${target(figures.localModeReadySeconds < 10, `ready, first query answered   ${figures.localModeReadySeconds} s on an empty data dir, ${figures.localModeRestartReadySeconds} s on restart  (target < 10 s)`)}`,
    ...queryLoadLines(queryLoad),
    ...queryLoadLines(queryLoadOrganization, false),
    `Console in local mode over ${figures.consoleArchiveInvocations} invocations (Chromium, ${CONSOLE_VIEWS} first views, each in a fresh context: no cache)`,
    `  ${target(figures.consoleFirstViewMaxMs < 1000, `first view, overview drawn    median ${figures.consoleFirstViewMedianMs} ms, max ${figures.consoleFirstViewMaxMs} ms  (chart, health and alerts answered and drawn; target < 1 s)`)}`,
    `  ${target(figures.consoleScriptGzipBytes <= 150 * 1024, `script, gzip-compressed       ${kb(figures.consoleScriptGzipBytes)}  (${kb(figures.consoleScriptBytes)} minified; target <= 150 KB)`)}`,
    `Failure alerts in local mode: ${ALERT_COMMANDS} live commands x ${ALERT_NODES} nodes, 2 failing each, played by the simulator on the real clock (events -> work queue -> collector -> alert)`,
    `  ${target(figures.alertsPublished === figures.alertsExpected && figures.alertsDuplicated === 0, `alerts, exactly once          ${figures.alertsPublished} of ${figures.alertsExpected} failures, ${figures.alertsDuplicated} duplicated`)}`,
    `  ${target(figures.alertLatencyP99Ms < 1000, `latency, failure to alert     p50 ${figures.alertLatencyP50Ms} ms, p99 ${figures.alertLatencyP99Ms} ms, max ${figures.alertLatencyMaxMs} ms  (from the failed plugin's end to the alert published; target p99 < 1 s)`)}`,
    ...costModelLines(cost),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Rounds of queries over each archive (10,000 and 100,000 invocations), alternating: about 2,000 timed queries each, so that p99 is not the slowest few. */
const QUERY_ROUNDS = 250;

/** Cold first views of the console timed. */
const CONSOLE_VIEWS = 7;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Fresh processes timed per bundle for the cold import ratio. */
const BUNDLE_IMPORT_RUNS = 41;

/** The alert bench's traffic: 60 commands 100 ms apart, 2 of each command's 5 nodes failing. */
const ALERT_COMMANDS = 60;
const ALERT_NODES = 5;

/** The Automation bench's execution: 200 steps, four pages of DescribeAutomationStepExecutions. */
const AUTOMATION_STEPS = 200;
/** The most DynamoDB writes per stored record for the kinds measured per record: each record once, plus a fifth for the events that arrive while it runs. */
const RECORD_WRITES_TARGET = 1.2;
/** State Manager's SSM calls per stored record: a tenth, against a floor of ceil(executions/50) + targets/50 pages (0.021 here). */
const ASSOCIATION_CALLS_TARGET = 0.1;
const ASSOCIATION_DELAY_SECONDS = historySources.find((source) => source.kind === 'association')?.gathering?.delaySeconds ?? 0;
/**
 * The other ways measured to meet an association's events once: Lambda's batching window (up
 * to 10,000 messages a batch from a standard queue; 2 is the least maximum concurrency an SQS
 * event source takes), and a FIFO queue with the association as message group (batches of at
 * most 10, one group's batch at a time), each without the pass ledger; and today's batches of
 * 10 five at once, each making its own pass.
 */
const GATHERING_OPTIONS = [
  { name: 'each batch its own pass (batches of 10, 5 at once)', replay: { batchSize: 10, concurrency: 5 } },
  { name: 'batching window (batches of 1,000, 2 at once)', replay: { batchSize: 1000, concurrency: 2 } },
  { name: 'FIFO queue, association as group (batches of 10, 1 at once)', replay: { batchSize: 10, concurrency: 1 } },
] as const;
/** State Manager: 200 nodes, five runs: 1,005 records, about 2,200 events (each node reports each run). */
const ASSOCIATION_TARGETS = 200;
const ASSOCIATION_EXECUTIONS = 5;
/** Maintenance Windows: a patching task on 250 nodes then one image task, run three times. */
const WINDOW_TARGETS = 250;
const WINDOW_EXECUTIONS = 3;

const total = (calls: Record<string, number>): number => Object.values(calls).reduce((a, b) => a + b, 0);

/** One kind's collection figures under JSON keys prefixed by the kind. */
function kindFigures(prefix: string, figures: KindCollectionFigures): Record<string, unknown> {
  const calls = total(figures.ssmCalls);
  return {
    [`${prefix}Events`]: figures.events,
    [`${prefix}Records`]: figures.records,
    [`${prefix}RecordsPerSecond`]: round(figures.records / figures.seconds, 0),
    [`${prefix}SsmCalls`]: calls,
    [`${prefix}SsmCallsByOperation`]: figures.ssmCalls,
    [`${prefix}SsmCallsPerRecord`]: round(calls / figures.records, 4),
    [`${prefix}DdbWrites`]: figures.ddbWrites,
    [`${prefix}DdbWritesPerRecord`]: round(figures.ddbWrites / figures.records, 3),
    [`${prefix}FailedMessages`]: figures.failedMessages,
    [`${prefix}FinalStateMatches`]: figures.matches,
  };
}

/** A kind's targets: its own calls line, and the most SSM calls and DynamoDB writes per stored record. */
interface KindTargets {
  readonly callsLine?: string;
  readonly callsPerRecord?: number;
  readonly writesPerRecord?: number;
}

/** One kind's lines, as Run Command's: records/s, SSM calls and DynamoDB writes per stored record, the archive audited. */
function kindLines(title: string, figures: KindCollectionFigures, records: string, targets: KindTargets = {}): string[] {
  const calls = total(figures.ssmCalls);
  const mark = (ok: boolean, text: string) => `${ok ? 'ok  ' : 'MISS'} ${text}`;
  const callsPerRecord = round(calls / figures.records, 4);
  const writesPerRecord = round(figures.ddbWrites / figures.records, 3);
  const judged = (limit: number | undefined, figure: number, text: string) =>
    limit === undefined ? `     ${text}` : `${mark(figure <= limit, `${text}  (target <= ${limit})`)}`;
  return [
    `${title}, ${figures.events} events (shuffled, 10% duplicated), SQS batches of 10, 5 collectors at once`,
    `  records/s                     ${round(figures.records / figures.seconds, 0)}  (${figures.records} stored records: ${records})`,
    `  ${targets.callsLine ?? `     SSM calls                     ${calls}  ${JSON.stringify(figures.ssmCalls)}`}`,
    `  ${judged(targets.callsPerRecord, callsPerRecord, `SSM calls per stored record   ${callsPerRecord}`)}`,
    `  ${judged(targets.writesPerRecord, writesPerRecord, `DynamoDB writes per record    ${writesPerRecord}  (${figures.ddbWrites} writes, the pass ledger's included)`)}`,
    `  ${mark(figures.matches, `final archive equals SSM      ${figures.matches}${figures.differences.length ? `  (${figures.differences.join('; ')})` : ''}`)}`,
    `  messages failed               ${figures.failedMessages}`,
  ];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
