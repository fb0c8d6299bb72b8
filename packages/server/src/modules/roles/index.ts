export { listRoles, getRole, createRole, updateRole, deleteRole, seedRoles, findRoleByCodeOrName } from './roles.service.js';
