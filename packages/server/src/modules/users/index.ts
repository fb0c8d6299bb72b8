export { listUsers, getUser, createUser, updateUser, resetPassword, findByUsername } from './users.service.js';
export type { CreateUserInput, UpdateUserInput } from './users.service.js';
