export {
  loadActor,
  resolveSession,
  resolveApiToken,
  login,
  logout,
  me,
  changePassword,
  endSessionsOf,
  clearLoginLock,
} from './auth.service.js';
export { hashPassword, verifyPassword, randomPassword, sha256, randomToken } from './passwords.js';
