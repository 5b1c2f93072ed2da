export interface Benchmark {
  description: string;
  /** returns the process exit code */
  run(argv: string[]): Promise<number>;
}
