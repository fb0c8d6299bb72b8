/**
 * Request shapes shared by every area of the API.
 */
import { z } from 'zod';

/** Route parameters of `/<things>/:id`. */
export const IdParams = z.object({ id: z.string() });
