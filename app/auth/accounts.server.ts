import { and, asc, count, desc, eq, ne, sql } from "drizzle-orm";
import { generateIdFromEntropySize } from "lucia";
import type { Database, Executor } from "../../db/client";
import { comments, sessions, users, type Role, type User } from "../../db/schema";
import type { SessionUser } from "./lucia.server";
import { hashPassword, verifyPassword } from "./password.server";
import { passwordProblem } from "./password-rules";

/**
 * Accounts (docs/architecture.md §1): sign-up, sign-in, profile changes, roles, deletion.
 * Plain values in, plain values out; sessions live in session.server.ts.
 * Emails are compared lower-cased; messages never reveal whether an account
 * exists for an email, except "taken" at sign-up and profile change, where
 * the person must be told (OWASP Authentication Cheat Sheet accepts this for
 * registration).
 */

export type FieldErrors = Record<string, string[]>;
export type AccountResult<T> = { ok: true; value: T } | { ok: false; fieldErrors: FieldErrors };

/** Shown in threads in place of a deleted account's name. */
export const FORMER_MEMBER_NAME = "Former member";

// A real hash of a random password, verified against when no account matches,
// so a wrong email takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;

function toSessionUser(user: Pick<User, "id" | "email" | "displayName" | "role" | "emailVerifiedAt">): SessionUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
  };
}

/** Lower-cases and trims an email for storage and lookup. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Creates an account. `role` defaults to member; only the first-admin command
 * and admins choose others. `verified` (default true: the first-admin
 * command, the demo coach) says whether its email counts as verified;
 * sign-up passes false and sends a verification link. Errors: `email`
 * taken, `password` too weak.
 */
export async function createAccount(
  db: Database,
  input: { email: string; displayName: string; password: string; role?: Role; verified?: boolean },
): Promise<AccountResult<SessionUser>> {
  const email = normalizeEmail(input.email);
  const problem = passwordProblem(input.password, { email, displayName: input.displayName });
  if (problem) return { ok: false, fieldErrors: { password: [problem] } };
  const passwordHash = await hashPassword(input.password);
  const [created] = await db
    .insert(users)
    .values({
      id: generateIdFromEntropySize(10),
      email,
      displayName: input.displayName,
      passwordHash,
      role: input.role ?? "member",
      emailVerifiedAt: input.verified === false ? null : new Date(),
    })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!created) {
    return { ok: false, fieldErrors: { email: ["An account with this email already exists. Sign in instead."] } };
  }
  return { ok: true, value: toSessionUser(created) };
}

/** The account for an email and password, or null for any mismatch. */
export async function authenticate(db: Database, email: string, password: string): Promise<SessionUser | null> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  if (!user) {
    dummyHash ??= hashPassword(generateIdFromEntropySize(16));
    await verifyPassword(await dummyHash, password);
    return null;
  }
  return (await verifyPassword(user.passwordHash, password)) ? toSessionUser(user) : null;
}

/** One account by id, or null. */
export async function getAccount(db: Database, id: string): Promise<SessionUser | null> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user ? toSessionUser(user) : null;
}

/** One account by email, or null. */
export async function findAccountByEmail(db: Executor, email: string): Promise<SessionUser | null> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  return user ? toSessionUser(user) : null;
}

/**
 * Changes the display name and email. The new name also shows on the
 * member's earlier comments. A new email is not verified until a link sent
 * to it is followed (the caller sends it). Error: `email` taken by another
 * account.
 */
export async function updateProfile(
  db: Database,
  userId: string,
  input: { email: string; displayName: string },
): Promise<AccountResult<SessionUser>> {
  const email = normalizeEmail(input.email);
  const [other] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), ne(users.id, userId)));
  if (other) return { ok: false, fieldErrors: { email: ["Another account already uses this email."] } };
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({
        email,
        displayName: input.displayName,
        updatedAt: new Date(),
        // A changed address is unverified; the same one keeps its state.
        emailVerifiedAt: sql`case when ${users.email} = ${email} then ${users.emailVerifiedAt} else null end`,
      })
      .where(eq(users.id, userId))
      .returning();
    if (!updated) return { ok: false as const, fieldErrors: { "": ["This account no longer exists."] } };
    await tx
      .update(comments)
      .set({ displayName: input.displayName })
      .where(and(eq(comments.userId, userId), ne(comments.status, "removed")));
    return { ok: true as const, value: toSessionUser(updated) };
  });
}

/**
 * Stores `passwordHash` (from ./password.server.ts, for a password the rules
 * accept) as the account's password without asking for the current one: for
 * someone who followed a password-reset link sent to `email`, which also
 * shows the address is theirs (marked verified at `now`, if it is still the
 * account's). The caller checked the link and the rules.
 */
export async function setPasswordFromReset(
  db: Executor,
  user: { id: string; email: string },
  passwordHash: string,
  now: Date = new Date(),
): Promise<void> {
  await db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id));
  await markEmailVerified(db, user.id, user.email, now);
}

/**
 * Records that `email` was shown to be the address of account `userId` (a
 * link sent to it was followed) at `now`, unless the account's address has
 * changed since or was verified already. Returns whether the account's
 * address is now verified.
 */
export async function markEmailVerified(db: Executor, userId: string, email: string, now: Date): Promise<boolean> {
  const [row] = await db
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(users.id, userId), eq(users.email, email)))
    .returning({ verifiedAt: users.emailVerifiedAt });
  return !!row?.verifiedAt;
}

/** Changes the password after checking the current one. Errors on either field. */
export async function changePassword(
  db: Database,
  userId: string,
  currentPassword: string,
  newPassword: string,
): Promise<AccountResult<null>> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
    return { ok: false, fieldErrors: { currentPassword: ["That is not your current password."] } };
  }
  const problem = passwordProblem(newPassword, user);
  if (problem) return { ok: false, fieldErrors: { newPassword: [problem] } };
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(newPassword), updatedAt: new Date() })
    .where(eq(users.id, userId));
  return { ok: true, value: null };
}

/**
 * Sets an account's password from the operator's configuration (not from a
 * form: no current password is asked), e.g. DEMO_COACH_PASSWORD at start-up.
 * The password rules apply (`passwordProblem`). When it already is the
 * password, nothing changes; otherwise it is set and the account's sessions
 * end, as after any password change by someone else.
 *
 * @returns `{ ok: true, value: "unchanged" | "changed" }`, or `{ ok: false }`
 *   with the rule's message under `password`, or under "" when there is no
 *   account `userId`.
 */
export async function setPasswordByOperator(
  db: Executor,
  userId: string,
  password: string,
): Promise<AccountResult<"unchanged" | "changed">> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) return { ok: false, fieldErrors: { "": ["There is no such account."] } };
  const problem = passwordProblem(password, user);
  if (problem) return { ok: false, fieldErrors: { password: [problem] } };
  if (await verifyPassword(user.passwordHash, password)) return { ok: true, value: "unchanged" };
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(password), updatedAt: new Date() })
    .where(eq(users.id, userId));
  await db.delete(sessions).where(eq(sessions.userId, userId));
  return { ok: true, value: "changed" };
}

/**
 * Deletes an account after checking its password. Its comments stay in
 * their threads, numbers and replies unchanged, shown as "Former member";
 * the name, email and website on them are erased, and its sessions end.
 * Error: the last admin cannot delete their account.
 */
export async function deleteAccount(db: Database, userId: string, password: string): Promise<AccountResult<null>> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user || !(await verifyPassword(user.passwordHash, password))) {
    return { ok: false, fieldErrors: { currentPassword: ["That is not your password."] } };
  }
  return db.transaction(async (tx) => {
    await lockAdmins(tx);
    if (user.role === "admin" && (await countAdmins(tx)) <= 1) {
      return {
        ok: false as const,
        fieldErrors: { "": ["You are the only admin. Make someone else an admin first."] } as FieldErrors,
      };
    }
    await tx
      .update(comments)
      .set({ displayName: FORMER_MEMBER_NAME, email: null, website: null })
      .where(eq(comments.userId, userId));
    await tx.delete(users).where(eq(users.id, userId)); // sessions cascade; comments' user_id → null
    return { ok: true as const, value: null };
  });
}

/**
 * Serializes changes that could remove the last admin (role changes,
 * deletions), so two admins demoting each other at once cannot both succeed.
 */
async function lockAdmins(db: Executor): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext('staffroom:admins'))`);
}

async function countAdmins(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(eq(users.role, "admin"));
  return Number(row.n);
}

/** Every account for the admins' accounts page, oldest first. */
export async function listAccounts(db: Database): Promise<(SessionUser & { createdAt: string })[]> {
  const rows = await db.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
  return rows.map((row) => ({ ...toSessionUser(row), createdAt: row.createdAt.toISOString() }));
}

/**
 * Sets an account's role (admins only; the caller checks). Error: removing
 * the last admin, which would lock everyone out of the site settings.
 */
export async function setRole(db: Database, userId: string, role: Role): Promise<AccountResult<SessionUser>> {
  return db.transaction(async (tx): Promise<AccountResult<SessionUser>> => {
    await lockAdmins(tx);
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (!user) return { ok: false as const, fieldErrors: { "": ["There is no such account."] } };
    if (user.role === "admin" && role !== "admin" && (await countAdmins(tx)) <= 1) {
      return {
        ok: false as const,
        fieldErrors: { role: ["This is the only admin. Make someone else an admin first."] },
      };
    }
    const [updated] = await tx
      .update(users)
      .set({ role, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    return { ok: true as const, value: toSessionUser(updated) };
  });
}

/** A member's public comments, newest first: what their profile page lists. */
export async function publicCommentsOf(
  db: Database,
  userId: string,
  limit = 100,
): Promise<{ id: number; postSlug: string; body: string; createdAt: string; partIndex: number; partCount: number }[]> {
  const rows = await db
    .select({
      id: comments.id,
      postSlug: comments.postSlug,
      body: comments.body,
      createdAt: comments.createdAt,
      partIndex: comments.partIndex,
      partCount: comments.partCount,
    })
    .from(comments)
    .where(and(eq(comments.userId, userId), eq(comments.status, "published")))
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
}
