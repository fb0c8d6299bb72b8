export { listOwn, createToken, revokeToken, revokeAllOf, findLive, noteUse, TOKEN_PREFIX } from './tokens.service.js';
export type { LiveToken } from './tokens.service.js';
