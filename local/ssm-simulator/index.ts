/** The SSM simulator: SSM's Run Command read API, scripted, on loopback. */
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
export { type FaultConfig, type OperationStats } from './faults';
export { FLEET_PLUGIN, FLEET_SECOND_PLUGIN, fleetCommand, type FleetOptions } from './fleet';
export { simulatedKind, type KindOperations, type OperationContext, type OperationHandler, type SimulatedKind } from './operations';
export { SeededRandom } from './random';
export {
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
