/** Reports progress of long work; `total` is unknown (undefined) until it is known. */
export interface ProgressUpdate {
  done: number;
  total?: number;
  message?: string;
}

export type ProgressReporter = (update: ProgressUpdate) => void;

export const noProgress: ProgressReporter = () => undefined;
