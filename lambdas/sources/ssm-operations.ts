import type { SsmOperation } from '../query/ssm-endpoint/endpoint-context';
import { associationSsmOperations } from './association/ssm-operations';
import { automationSsmOperations } from './automation/ssm-operations';
import { maintenanceWindowSsmOperations } from './maintenance-window/ssm-operations';
import { runCommandSsmOperations } from './run-command/ssm-operations';
import { sessionSsmOperations } from './session/ssm-operations';

/**
 * Every SSM operation the archive answers, each declared by its kind (its ssm-operations.ts).
 * Apart from the kinds' collection code, so the query function bundles only these. Adding a
 * kind adds its line.
 */
export const ssmOperations: ReadonlyMap<string, SsmOperation> = new Map(
  Object.entries({
    ...runCommandSsmOperations,
    ...automationSsmOperations,
    ...associationSsmOperations,
    ...maintenanceWindowSsmOperations,
    ...sessionSsmOperations,
  }),
);
