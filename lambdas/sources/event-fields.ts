import { MalformedMessageError, type SsmEvent, type StoredFields } from './history-source';

/**
 * Reading fields out of SSM's events and notifications, for every history kind: each
 * mistake is a MalformedMessageError that names the message and the field, which is the
 * reason logged when the message is dead-lettered.
 */
export type Fields = Readonly<Record<string, unknown>>;

export function requiredString(fields: Fields, name: string, where: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new MalformedMessageError(`${where}: "${name}" must be a non-empty string`);
  }
  return value;
}

export function optionalString(fields: Fields, name: string, where: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MalformedMessageError(`${where}: "${name}" must be a string`);
  return value;
}

/** The EventBridge envelope's time, ISO 8601 with milliseconds. */
/** An optional ISO 8601 time field of an event's detail, as toISOString() gives it; empty counts as absent. */
export function optionalTime(fields: Fields, name: string, where: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new MalformedMessageError(`${where}: "${name}" must be a string`);
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) throw new MalformedMessageError(`${where}: "${name}" is not a time: "${value}"`);
  return new Date(ms).toISOString();
}

export function envelopeTime(event: SsmEvent, where: string): string {
  const date = new Date(event.time);
  if (Number.isNaN(date.getTime())) throw new MalformedMessageError(`${where}: "time" is not a time: "${event.time}"`);
  return date.toISOString();
}

/** The fields an event did carry, ready to store (absent ones left out, not stored as null). */
export function definedFields(fields: Readonly<Record<string, StoredFields[string] | undefined>>): StoredFields {
  const stored: StoredFields = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) stored[name] = value;
  return stored;
}
