/**
 * Every job type and its handler. The server starts one worker with these
 * (`startJobWorker(db, jobHandlers(db))`); add a job type here.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { IMPORT_JOB_TYPE, makeOrdersImportHandler } from '../orders/import/index.js';
import { makeNotificationEmailHandler, NOTIFICATION_EMAIL_JOB_TYPE } from '../notifications/index.js';
import { makeOutreachHandler, OUTREACH_JOB_TYPE } from '../outreach/index.js';
import type { JobHandlers } from './jobs.service.js';

export function jobHandlers(db: Kysely<DB>): JobHandlers {
  return {
    [IMPORT_JOB_TYPE]: makeOrdersImportHandler(db),
    [OUTREACH_JOB_TYPE]: makeOutreachHandler(db),
    [NOTIFICATION_EMAIL_JOB_TYPE]: makeNotificationEmailHandler(db),
  };
}
