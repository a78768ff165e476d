/** Local mode (`npm start`): the whole pipeline on one machine. bin/local.ts is its command line. */
export { parseLocalModeArguments, parseDuration, SSM_SOURCES, UsageError, USAGE, type LocalModeArguments, type SsmSourceName } from './arguments';
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
