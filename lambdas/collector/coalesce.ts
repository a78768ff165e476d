import type { Observation, Producer, TimelineEntry } from '../sources/history-source';
import { statusInfo } from '../status';

/**
 * Several observations of one record in one batch become one write: the one the store would
 * keep anyway (highest status rank, then newest), carrying every sighting's timeline entry and
 * producer. Ten events about one invocation cost one conditional write, not ten.
 */
export function coalesceObservations(observations: readonly Observation[]): Observation[] {
  const byRecord = new Map<string, Observation[]>();
  for (const observation of observations) {
    const id = `${observation.table}\u0000${JSON.stringify(observation.key)}`;
    const group = byRecord.get(id);
    if (group) group.push(observation);
    else byRecord.set(id, [observation]);
  }
  return [...byRecord.values()].map(merge);
}

function outranks(a: Observation, b: Observation): boolean {
  const rankA = statusInfo(a.statuses, a.status).rank;
  const rankB = statusInfo(b.statuses, b.status).rank;
  if (rankA !== rankB) return rankA > rankB;
  if (a.observedAt !== b.observedAt) return a.observedAt > b.observedAt;
  return a.complete && !b.complete;
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
