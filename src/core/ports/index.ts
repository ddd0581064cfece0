export type { VaultPort, VaultFileStat, VaultEvent, VaultListener, VaultWriteOptions } from './vault';
export { VaultConflictError, isVaultConflict } from './vault';
export type { StateStore } from './state-store';
export type { Clock } from './clock';
export { systemClock } from './clock';
export type { ProgressReporter, ProgressUpdate } from './progress';
export { noProgress } from './progress';
export type { FetchFn } from './fetch';
export type { LinkLookup } from './link-lookup';
