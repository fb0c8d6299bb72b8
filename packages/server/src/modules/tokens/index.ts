export { listOwn, createToken, revokeToken, revokeAllOf, TOKEN_PREFIX } from './tokens.service.js';
