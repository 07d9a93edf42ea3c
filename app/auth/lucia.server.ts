import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, TimeSpan } from "lucia";
import type { Database } from "../../db/client";
import { sessions, users, type Role } from "../../db/schema";

/**
 * The only module that imports lucia (v3, frozen upstream): sessions are rows
 * in `sessions`, the cookie is HttpOnly, SameSite=Lax and Secure in
 * production (docs/architecture.md §6). Swapping the session layer means rewriting this
 * file and session.server.ts only.
 */

const SESSION_COOKIE_NAME = "staffroom_session";

function createLucia(db: Database) {
  return new Lucia(new DrizzlePostgreSQLAdapter(db, sessions, users), {
    // Sessions last 30 days and are extended when used in their second half.
    sessionExpiresIn: new TimeSpan(30, "d"),
    sessionCookie: {
      name: SESSION_COOKIE_NAME,
      attributes: { secure: process.env.NODE_ENV === "production", sameSite: "lax" },
    },
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      displayName: attributes.displayName,
      role: attributes.role,
      emailVerified: attributes.emailVerifiedAt !== null,
    }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: { email: string; displayName: string; role: Role; emailVerifiedAt: Date | null };
  }
}

const instances = new WeakMap<Database, ReturnType<typeof createLucia>>();

/** The lucia instance for a database (one per database handle). */
export function luciaFor(db: Database) {
  let lucia = instances.get(db);
  if (!lucia) {
    lucia = createLucia(db);
    instances.set(db, lucia);
  }
  return lucia;
}

/** A signed-in user as the app sees it. */
export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  /** The account's email address has been shown to be theirs (README: Accounts, verification). */
  emailVerified: boolean;
}
