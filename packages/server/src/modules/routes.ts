import type { AppInstance } from '../http/types.js';
import { auditRoutes } from './audit/audit.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { rolesRoutes } from './roles/roles.routes.js';
import { shopsRoutes } from './shops/shops.routes.js';
import { tokensRoutes } from './tokens/tokens.routes.js';
import { usersRoutes } from './users/users.routes.js';

/** Every module's routes, mounted under /api/v1. Add a module here (one import, one entry). */
export const MODULE_ROUTES: readonly ((app: AppInstance) => Promise<void>)[] = [
  authRoutes,
  usersRoutes,
  rolesRoutes,
  shopsRoutes,
  tokensRoutes,
  auditRoutes,
];
