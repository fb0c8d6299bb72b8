import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/dialect.js';
import type { DB } from '../db/schema.js';
import type { Actor } from './actor.js';

/** `public`: no login; `authenticated`: any logged-in user; otherwise a permission code. */
export type RoutePermission = 'public' | 'authenticated' | (string & {});

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<DB>;
    database: Database;
    config: Config;
  }
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
  }
  interface FastifyContextConfig {
    permission?: RoutePermission;
    /** Skip the CSRF check (login, which has no session yet). */
    csrfExempt?: boolean;
    /**
     * Organisation-wide, or destructive across shops (deleting the demo, editing traffic source
     * rules): only the owner or an account that may access every shop (http/actor.ts `assertAllShops`).
     */
    orgWide?: boolean;
  }
}

export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
