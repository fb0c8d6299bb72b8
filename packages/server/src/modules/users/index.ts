export {
  listUsers,
  getUser,
  createUser,
  updateUser,
  resetPassword,
  findByUsername,
  usernameKey,
  assertMayManageUsers,
} from './users.service.js';
export type { CreateUserInput, UpdateUserInput, ManageAction } from './users.service.js';
