export { requeueExpired, releaseDeadLocalHolders, MAX_JOB_CRASHES } from './jobs.recovery.js';
export {
  enqueue,
  claimNext,
  runJob,
  runInProcess,
  saveCheckpoint,
  startJobWorker,
  stopJobWorkers,
  jobRowToJob,
  waitForJob,
  JobInterrupted,
} from './jobs.service.js';
export type {
  JobContext,
  JobHandler,
  JobHandlers,
  JobDto,
  JobStatus,
  JobWorker,
  WorkerOptions,
  EnqueueInput,
  RunJobOptions,
} from './jobs.service.js';
export { findVisibleJob, listVisibleJobs, type JobListQuery } from './jobs.queries.js';
export * as bulk from './bulk.js';
