/** One measurement a benchmark reports; bench/run.ts prints them. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The goal, stated as the benchmark states it ("<= 0.02", ">= 0.8"), when there is one. */
  goal?: string;
  /** Whether the goal is met, when there is one. */
  met?: boolean;
  note?: string;
}
