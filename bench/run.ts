import { benchAutomationCollection } from './automation-collection';
import { measureBundles } from './bundles';
import { benchCollection } from './collection';
import { benchLocalStart } from './local-start';
import { benchQueryLatency } from './query-latency';

/**
 * `npm run bench`: the figures the issues set targets for, measured in one run and printed as
 * figures and ratios. `npm run bench -- --json` prints the same as one JSON object.
 */
async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const collection = await benchCollection({ nodes: 1000, seed: 7, duplicateRate: 0.1, batchSize: 10, concurrency: 5 });
  const automation = await benchAutomationCollection({ steps: AUTOMATION_STEPS, seed: 7, duplicateRate: 0.1, batchSize: 10, concurrency: 5 });
  const bundles = await measureBundles(9);
  // Same commands and node histories, ten times the invocations: only the archive's size differs.
  const small = await benchQueryLatency(100, 100, 60);
  const large = await benchQueryLatency(100, 1000, 60);
  const localStart = await benchLocalStart();
  const ssmCalls = Object.values(collection.ssmCalls).reduce((a, b) => a + b, 0);
  const automationSsmCalls = Object.values(automation.ssmCalls).reduce((a, b) => a + b, 0);
  const automationCallBudget = Math.ceil(AUTOMATION_STEPS / 50) + 2;

  const figures = {
    events: collection.events,
    invocations: collection.invocations,
    eventsPerSecond: round(collection.events / collection.seconds, 0),
    ssmCalls,
    ssmCallsByOperation: collection.ssmCalls,
    ssmCallsPerInvocation: round(ssmCalls / collection.invocations, 4),
    ddbWrites: collection.ddbWrites,
    ddbWritesPerEvent: round(collection.ddbWrites / collection.events, 3),
    failedMessages: collection.failedMessages,
    finalStateMatches: collection.audit.matches,
    archiveDifferences: collection.audit.differences,
    fullOutputsChecked: collection.audit.fullOutputs,
    automationEvents: automation.events,
    automationRecords: automation.records,
    automationRecordsPerSecond: round(automation.records / automation.seconds, 0),
    automationSsmCalls,
    automationSsmCallsByOperation: automation.ssmCalls,
    automationSsmCallsPerRecord: round(automationSsmCalls / automation.records, 4),
    automationDdbWrites: automation.ddbWrites,
    automationDdbWritesPerRecord: round(automation.ddbWrites / automation.records, 3),
    automationFailedMessages: automation.failedMessages,
    automationFinalStateMatches: automation.matches,
    collectorBundleBytes: bundles.collector.bytes,
    bareClientsBundleBytes: bundles.bareClients.bytes,
    collectorImportMs: round(bundles.collector.importMs, 1),
    bareClientsImportMs: round(bundles.bareClients.importMs, 1),
    collectorImportRatio: round(bundles.collector.importMs / bundles.bareClients.importMs, 3),
    queryArchiveInvocations: large.invocations,
    listCommandInvocationsP50Ms: round(large.listCommandInvocations.p50, 1),
    listCommandInvocationsP99Ms: round(large.listCommandInvocations.p99, 1),
    timelineP50Ms: round(large.timeline.p50, 1),
    timelineP99Ms: round(large.timeline.p99, 1),
    listCommandInvocationsP99Ratio100kTo10k: round(large.listCommandInvocations.p99 / small.listCommandInvocations.p99, 2),
    timelineP99Ratio100kTo10k: round(large.timeline.p99 / small.timeline.p99, 2),
    localModeReadySeconds: round(localStart.firstStartSeconds, 2),
    localModeRestartReadySeconds: round(localStart.restartSeconds, 2),
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
    `  ${target(figures.ssmCallsPerInvocation <= 0.1, `SSM calls per invocation      ${figures.ssmCallsPerInvocation}  (target <= 0.1, listing floor 0.02)`)}`,
    `  ${target(figures.ddbWritesPerEvent <= 1.5, `DynamoDB writes per event     ${figures.ddbWritesPerEvent}  (${figures.ddbWrites} writes; target <= 1.5)`)}`,
    `  ${target(figures.finalStateMatches, `final archive equals SSM      ${figures.finalStateMatches}  (${figures.invocations} invocations, ${figures.fullOutputsChecked} full outputs checked${figures.archiveDifferences.length ? `; ${figures.archiveDifferences.join('; ')}` : ''})`)}`,
    `  messages failed               ${figures.failedMessages}`,
    `Automation: 1 execution x ${AUTOMATION_STEPS} steps, ${figures.automationEvents} events (shuffled, 10% duplicated), SQS batches of 10, 5 collectors at once`,
    `  records/s                     ${figures.automationRecordsPerSecond}  (${figures.automationRecords} stored records: the execution and its steps)`,
    `  ${target(figures.automationSsmCalls <= automationCallBudget, `SSM calls                     ${figures.automationSsmCalls}  ${JSON.stringify(figures.automationSsmCallsByOperation)}  (target <= ceil(${AUTOMATION_STEPS}/50)+2 = ${automationCallBudget})`)}`,
    `  SSM calls per stored record   ${figures.automationSsmCallsPerRecord}`,
    `  DynamoDB writes per record    ${figures.automationDdbWritesPerRecord}  (${figures.automationDdbWrites} writes)`,
    `  ${target(figures.automationFinalStateMatches, `final archive equals SSM      ${figures.automationFinalStateMatches}`)}`,
    `  messages failed               ${figures.automationFailedMessages}`,
    `Collector bundle (esbuild, ESM, minified, as deployed)`,
    `  ${target(figures.collectorBundleBytes <= 450 * 1024, `size                          ${kb(figures.collectorBundleBytes)}  (bare SSM + DynamoDB clients ${kb(figures.bareClientsBundleBytes)}; target <= 450 KB)`)}`,
    `  ${target(figures.collectorImportRatio <= 1.2, `cold import                   ${figures.collectorImportMs} ms vs ${figures.bareClientsImportMs} ms bare = ${figures.collectorImportRatio}x  (median of 9 fresh processes; target <= 1.2x)`)}`,
    `Query handler over ${figures.queryArchiveInvocations} invocations in dynalite (in-process handler, first and next pages of 50)`,
    `  ${target(figures.listCommandInvocationsP99Ms < 50, `ListCommandInvocations        p50 ${figures.listCommandInvocationsP50Ms} ms, p99 ${figures.listCommandInvocationsP99Ms} ms  (target p99 < 50 ms)`)}`,
    `  ${target(figures.timelineP99Ms < 50, `timeline and node history     p50 ${figures.timelineP50Ms} ms, p99 ${figures.timelineP99Ms} ms  (target p99 < 50 ms)`)}`,
    `  p99 at 100k / p99 at 10k      ListCommandInvocations ${figures.listCommandInvocationsP99Ratio100kTo10k}x, timeline ${figures.timelineP99Ratio100kTo10k}x  (100 commands to 100 vs 1,000 nodes; flat is ~1)`,
    `Local mode (tsx bin/local.ts, as npm start runs it)`,
    `  ${target(figures.localModeReadySeconds < 10, `ready, first query answered   ${figures.localModeReadySeconds} s on an empty data dir, ${figures.localModeRestartReadySeconds} s on restart  (target < 10 s)`)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The Automation bench's execution: 200 steps, four pages of DescribeAutomationStepExecutions. */
const AUTOMATION_STEPS = 200;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
