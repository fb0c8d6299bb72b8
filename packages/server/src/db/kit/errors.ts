/**
 * Driver errors in our vocabulary: a unique violation (`23505` / `SQLITE_CONSTRAINT_UNIQUE`)
 * becomes a 409 `conflict` with a Chinese message that says what to change.
 */
import { AppError } from '@yunying/core';
import { isUniqueViolation } from '../dialect.js';

export { isForeignKeyViolation, isUniqueViolation } from '../dialect.js';

/**
 * Await `work`; a unique violation is rethrown as `AppError('conflict', message)`. `message` may be
 * an AppError (for field errors) or a function building one.
 */
export async function insertOrConflict<T>(
  work: Promise<T> | (() => Promise<T>),
  message: string | AppError | (() => AppError),
  details?: Record<string, unknown>,
): Promise<T> {
  try {
    return await (typeof work === 'function' ? work() : work);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    if (typeof message === 'string') throw new AppError('conflict', message, details ?? {});
    throw typeof message === 'function' ? message() : message;
  }
}
