export {
  listUsers,
  getUser,
  createUser,
  updateUser,
  resetPassword,
  findByUsername,
  usernameKey,
  assertMayManageUsers,
  insertAccount,
  findById,
  hasAnyUser,
  shopIdsOf,
  grantShop,
  recordLogin,
  setPasswordHash,
  preferencesOf,
  setPreferences,
  countByRole,
  holdersOf,
  activeMembers,
} from './users.service.js';
export type { ManageAction } from './users.service.js';
export * as bulk from './bulk.js';
