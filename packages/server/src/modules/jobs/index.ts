export { enqueue, claimNext, requeueExpired, runJob, startJobWorker, jobRowToJob, waitForJob } from './jobs.service.js';
export type { JobContext, JobHandler, JobHandlers, JobDto, JobStatus, JobWorker, WorkerOptions, EnqueueInput } from './jobs.service.js';
