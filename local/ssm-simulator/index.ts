/** The SSM simulator: SSM's read API, scripted, on loopback: one account and Region (SsmSimulator), or many at once (SsmOrganizationSimulator). */
export { type AssociationSpec } from './association';
export { type AutomationSpec } from './automation';
export { type SessionSpec } from './session';
export { type MaintenanceWindowExecutionSeed, type MaintenanceWindowSpec, type MaintenanceWindowTaskSpec } from './maintenance-window';
export { DEFAULT_VIRTUAL_START, VirtualClock, realClock, type Clock } from './clock';
export {
  COMMAND_DETAIL_TYPE,
  INVOCATION_DETAIL_TYPE,
  MW_TASK_EXECUTION_DETAIL_TYPE,
  MW_TASK_INVOCATION_DETAIL_TYPE,
  MW_WINDOW_EXECUTION_DETAIL_TYPE,
  type SimulatorEvent,
} from './events';
export { type FaultConfig, type OperationStats, type RateLimit } from './faults';
export { FLEET_PLUGIN, FLEET_SECOND_PLUGIN, fleetCommand, type FleetOptions } from './fleet';
export { simulatedKind, type KindOperations, type OperationContext, type OperationHandler, type SimulatedKind } from './operations';
export {
  DEFAULT_HOME_ACCOUNT,
  SsmOrganizationSimulator,
  memberAccountIds,
  organizationScopes,
  type MemberBreak,
  type OrganizationEndpoints,
  type OrganizationEventListener,
  type OrganizationFleetOptions,
  type SsmOrganizationOptions,
} from './organization';
export { SeededRandom } from './random';
export { type SsmCaller } from './server';
export {
  REGION_NOT_ENABLED_MESSAGE,
  REGION_NOT_ENABLED_TYPE,
  SsmSimulator,
  type AssociationTruth,
  type AutomationTruth,
  type MaintenanceWindowTruth,
  type PluginOutputTruth,
  type SimulatorEventListener,
  type SimulatorTruth,
  type SsmSimulatorOptions,
} from './simulator';
export { OUTCOMES, type CommandInvocationSeed, type CommandSpec, type InvocationSpec, type Outcome, type PluginSpec } from './spec';
export { listedPluginOutput, truncateOutput } from './truncation';
