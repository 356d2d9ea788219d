/** What every explorer view draws from: a checkpoint, the seed of its picks, truncation, and the class (conditional generators). */
export interface ExploreAt {
  runId: string;
  checkpointId: string;
  seed: number;
  psi: number;
  /** Undefined for a generator without classes. */
  classId: number | undefined;
}
