import type { Observation, Producer, TimelineEntry } from '../core/model';
import { statusInfo } from '../core/status';

function byRecord(observations: readonly Observation[]): Observation[][] {
  const groups = new Map<string, Observation[]>();
  for (const observation of observations) {
    const id = `${observation.table}\u0000${JSON.stringify(observation.key)}`;
    const group = groups.get(id);
    if (group) group.push(observation);
    else groups.set(id, [observation]);
  }
  return [...groups.values()];
}

/**
 * Several observations of one record in one batch become one write: the one the store would
 * keep anyway (SSM's read over any message, then highest status rank, then newest), carrying
 * every sighting's timeline entry and producer. Ten events about one invocation cost one
 * conditional write, not ten.
 */
export function coalesceObservations(observations: readonly Observation[]): Observation[] {
  return byRecord(observations).map(merge);
}

/** A record SSM's read shows behind what a message of the same batch said of it. */
export interface ReadBehindMessage {
  readonly observation: Observation;
  /** The furthest status a message gave. */
  readonly messageStatus: string;
}

/**
 * The records whose SSM read ranks below a status a message in the same batch gave: SSM's read
 * lags behind its own event, or the message is forged. The read is stored (SSM is the truth)
 * and the messages are retried, so that a later read settles which it was.
 */
export function readsBehindMessages(observations: readonly Observation[]): ReadBehindMessage[] {
  const behind: ReadBehindMessage[] = [];
  for (const group of byRecord(observations)) {
    const reads = group.filter((observation) => observation.complete);
    const messages = group.filter((observation) => !observation.complete);
    if (reads.length === 0 || messages.length === 0) continue;
    const read = reads.reduce((best, candidate) => (outranks(candidate, best) ? candidate : best));
    const message = messages.reduce((best, candidate) => (outranks(candidate, best) ? candidate : best));
    if (rankOf(message) > rankOf(read)) behind.push({ observation: read, messageStatus: message.status });
  }
  return behind;
}

const rankOf = (observation: Observation): number => statusInfo(observation.statuses, observation.status).rank;

function outranks(a: Observation, b: Observation): boolean {
  if (a.complete !== b.complete) return a.complete;
  const rankA = rankOf(a);
  const rankB = rankOf(b);
  if (rankA !== rankB) return rankA > rankB;
  return a.observedAt > b.observedAt;
}

function merge(group: Observation[]): Observation {
  const winner = group.reduce((best, candidate) => (outranks(candidate, best) ? candidate : best));
  if (group.length === 1) return winner;
  const producers = new Set<Producer>();
  const timeline = new Map<string, TimelineEntry>();
  for (const observation of group) {
    for (const producer of observation.producers) producers.add(producer);
    for (const entry of observation.timeline) timeline.set(`${entry.at} ${entry.status}`, entry);
  }
  // An event-only winner may lack fields another event carried (the SNS Command message has
  // InstanceIds, the EventBridge one Parameters); a complete record is SSM's word and stays as is.
  let fields = winner.fields;
  if (!winner.complete) {
    fields = {};
    for (const observation of group) if (!observation.complete) Object.assign(fields, observation.fields);
    Object.assign(fields, winner.fields);
  }
  return { ...winner, fields, producers, timeline: [...timeline.values()] };
}
