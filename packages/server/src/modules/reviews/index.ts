/** What other modules may call: the review import (CLI, demo), the table reader shared with the chat import. */
export { importReviewsFile, createReview, dictionary, listReviews, getReview, followup } from './reviews.service.js';
export type { ReviewImportSummary } from './reviews.service.js';
export type { ReviewDto } from '@yunying/core';
export { openTable, MAX_TABLE_ROWS } from './reviews.file.js';
export { receiveUpload, removeUpload } from './reviews.routes.js';

export { formatReviewImportText } from './reviews.cli.js';
export * as bulk from './bulk.js';
