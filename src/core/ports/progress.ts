/** Reports progress of long work; `total` is unknown (undefined) until it is known. */
export interface ProgressUpdate {
  done: number;
  total?: number;
  message?: string;
  /** The step needed no work (a note left as it was): a shell that counts the work done may leave it out. */
  idle?: boolean;
}

export type ProgressReporter = (update: ProgressUpdate) => void;

export const noProgress: ProgressReporter = () => undefined;
