export { listRoles, getRole, createRole, updateRole, deleteRole, seedRoles, findRoleByCodeOrName } from './roles.service.js';
export { rolesOfUsers, grantsOfUsers, rolesByIds, permissionsOf, ownerRoleId, lockOwnerRole } from './grants.js';
export type { Grants } from './grants.js';
