// A scheduled job: declared as data, run by the scheduler in src/jobs/scheduler.ts, which takes a
// lease in the database so that only one instance runs a given job at a time.
export interface JobDefinition {
  /** Stable name, also the lease key and the log field. */
  name: string;
  /** node-cron expression (seconds field allowed), from the configuration. */
  schedule: string;
  /** Calls domain use cases; throws to report failure (logged, the next run still happens). */
  run(): Promise<void>;
}
