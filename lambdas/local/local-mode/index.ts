/** Local mode (`npm start`): the whole pipeline on one machine. bin/local.ts is its command line. */
export { parseLocalModeArguments, parseDuration, UsageError, USAGE, type LocalModeArguments } from './arguments';
export { banner } from './banner';
export {
  DEFAULT_COMMAND_INTERVAL_MS,
  PortInUseError,
  startLocalMode,
  type LocalMode,
  type LocalModeOptions,
  type LocalModeSummary,
} from './local-mode';
export { chooseSsmSource, type SsmSourceChoice } from './ssm-source';
export { DataDirInUseError, LocalStateError } from './state';
