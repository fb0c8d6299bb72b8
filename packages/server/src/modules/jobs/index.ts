export {
  enqueue,
  claimNext,
  requeueExpired,
  MAX_JOB_CRASHES,
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
