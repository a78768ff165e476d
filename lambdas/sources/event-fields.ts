import { MalformedMessageError, type SsmEvent, type StoredFields } from '../core/model';
import { isSsmId, quoted, type IdForm } from '../core/ssm-ids';
import type { StatusInfo } from '../core/status';

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

/** ISO 8601 date-time with a zone, as Date#toISOString, SSM's events and its API write it. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Times the archive takes: from before Systems Manager (2015) to 2100. Anything outside is
 * not a time SSM wrote (year 275760 parses; it is still not an execution's time), and would
 * sort before or after every real record.
 */
export const SANE_TIMES = { from: '2010-01-01T00:00:00.000Z', until: '2100-01-01T00:00:00.000Z' } as const;

/** The rule, as the reasons name it. */
export const SANE_TIME_RULE = `an ISO 8601 time from ${SANE_TIMES.from.slice(0, 4)} to ${SANE_TIMES.until.slice(0, 4)}`;

/** An ISO 8601 date-time with a zone, within SANE_TIMES. */
export function isSaneTime(value: string): boolean {
  const ms = Date.parse(value);
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(ms)) return false;
  const iso = new Date(ms).toISOString();
  return iso >= SANE_TIMES.from && iso < SANE_TIMES.until;
}

function readTime(value: string, name: string, where: string): string {
  if (!isSaneTime(value)) {
    throw new MalformedMessageError(`${where}: "${name}" is not a time (${SANE_TIME_RULE}): "${value.slice(0, 64)}"`);
  }
  return new Date(Date.parse(value)).toISOString();
}

/** An optional ISO 8601 time field of an event's detail, as toISOString() gives it; empty counts as absent. */
export function optionalTime(fields: Fields, name: string, where: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new MalformedMessageError(`${where}: "${name}" must be a string`);
  return readTime(value, name, where);
}

/** The EventBridge envelope's time, ISO 8601 with milliseconds. */
export function envelopeTime(event: SsmEvent, where: string): string {
  return readTime(event.time, 'time', where);
}

/** The fields an event did carry, ready to store (absent ones left out, not stored as null). */
export function definedFields(fields: Readonly<Record<string, StoredFields[string] | undefined>>): StoredFields {
  const stored: StoredFields = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) stored[name] = value;
  return stored;
}

/** A required id field, in SSM's form. */
export function idField(fields: Fields, name: string, form: IdForm, where: string): string {
  const value = requiredString(fields, name, where);
  if (!isSsmId(form, value)) throw new MalformedMessageError(`${where}: "${name}" is not ${form.what}: ${quoted(value)}`);
  return value;
}

/**
 * A required status field, one of the kind's statuses (its table in status.ts). A status the
 * table does not know is refused, not ranked: an event is a claim, and an unknown claim has no
 * place in the order of a record's life.
 */
export function statusField(fields: Fields, name: string, statuses: Readonly<Record<string, StatusInfo>>, what: string, where: string): string {
  const value = requiredString(fields, name, where);
  if (!Object.hasOwn(statuses, value)) throw new MalformedMessageError(`${where}: "${name}" is not ${what}: ${quoted(value)}`);
  return value;
}
