import { SsmError, serializationError, validationError } from './errors';

/** A parsed JSON request body. */
export type JsonObject = { readonly [key: string]: unknown };

/**
 * Readers for request members. Wrong JSON types are SerializationException and broken
 * constraints ValidationException, as AWS's JSON services answer; member names in messages
 * are camel-cased the way AWS writes them.
 */
export function optionalString(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(member, 'a string');
  return value;
}

export function requiredString(input: JsonObject, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined) {
    throw validationError(`Value null at '${camel(member)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function optionalBoolean(input: JsonObject, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serializationError(member, 'a boolean');
  return value;
}

export function optionalInteger(input: JsonObject, member: string, min: number, max: number): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError(member, 'an integer');
  if (value < min) {
    throw validationError(`Value '${value}' at '${camel(member)}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  }
  if (value > max) {
    throw validationError(`Value '${value}' at '${camel(member)}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  }
  return value;
}

export function optionalArray(input: JsonObject, member: string): readonly unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw serializationError(member, 'a list');
  return value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** CommandId: fixed length 36. */
export function checkCommandIdLength(member: string, value: string): void {
  if (value.length !== 36) {
    throw validationError(`Value '${value}' at '${camel(member)}' failed to satisfy constraint: Member must have length equal to 36`);
  }
}

/** MaintenanceWindowId. */
export const WINDOW_ID_PATTERN = /^mw-[0-9a-f]{17}$/;
/** A UUID, as MaintenanceWindowExecutionId and MaintenanceWindowExecutionTaskId are. */
export const MW_UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** AWS documentation's placeholder ids (a UUID ending in EXAMPLE), accepted as well so its samples stay readable. */
export const AWS_EXAMPLE_UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{5}EXAMPLE$/;

/** InstanceId's pattern in SSM's API model: an EC2 instance or a hybrid managed node. */
export const INSTANCE_ID_PATTERN = /(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)/;

/** SSM answers a malformed InstanceId with InvalidInstanceId rather than ValidationException. */
export function checkInstanceId(instanceId: string): void {
  if (!INSTANCE_ID_PATTERN.test(instanceId)) throw new SsmError('InvalidInstanceId', `Instance Id ${instanceId} is not valid`);
}

/** A request member's name as SSM's error messages spell it (camelCase). */
export function camel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}
