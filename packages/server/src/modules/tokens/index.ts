export { listOwn, createToken, revokeToken, TOKEN_PREFIX } from './tokens.service.js';
