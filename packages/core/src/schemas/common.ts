/**
 * Request shapes shared by every area of the API.
 */
import { z } from 'zod';

/** Route parameters of `/<things>/:id`. */
export const IdParams = z.object({ id: z.string() });

/** A background job's status (the jobs table; import and other long work). */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
