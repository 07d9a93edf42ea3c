import { createServer, type AddressInfo } from "node:net";
import { asc, eq, sql } from "drizzle-orm";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { comments, commentSubmissions, outbox, subscriptions, users } from "../../db/schema";
import { createMailer, type Mailer } from "~/notifications/mailer.server";
import { deliverDueEmails, enqueueEmail, MAX_ATTEMPTS, startOutboxWorker } from "~/notifications/outbox.server";
import {
  describeSubscription,
  followPost,
  isFollowingPost,
  notifyHeldComment,
  notifyNewComment,
  parentSubmissionIdOf,
  subscribeToReplies,
  unfollowPost,
  unsubscribe,
  type NewCommentFacts,
} from "~/notifications/subscriptions.server";
import { describeEachDatabase } from "../support/databases";

/**
 * Notifications end to end against the database: the outbox and its worker
 * delivering to a real SMTP server started here (smtp-server on 127.0.0.1,
 * a random port, no TLS), subscriptions, and the emails about new comments.
 */

interface TestSmtp {
  url: string;
  received: ParsedMail[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1; every message it accepts is parsed with mailparser. */
async function startSmtp(extra: Partial<SMTPServerOptions> = {}): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            received.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An SMTP URL nobody listens on: a port that was just free. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

function smtpMailer(url: string): Mailer {
  return createMailer({ smtpUrl: url, outboxDir: "/nonexistent", from: "Staffroom <no-reply@staffroom.test>" });
}

/** Header lines as sent, unfolded (RFC 5322 §2.2.3). */
function headerLines(mail: ParsedMail): string[] {
  return mail.headerLines.map((h) => h.line.replace(/\r?\n(?=[ \t])/g, ""));
}

function toAddress(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? "";
}

const T0 = new Date("2030-01-01T12:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describeEachDatabase("notifications", (db) => {
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeEach(async () => {
    await db().execute(
      sql`truncate table outbox, subscriptions, comments, comment_submissions, users restart identity cascade`,
    );
  });

  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function smtp(extra: Partial<SMTPServerOptions> = {}): Promise<TestSmtp> {
    const server = await startSmtp(extra);
    cleanups.push(() => server.close());
    return server;
  }

  function mailerFor(url: string): Mailer {
    const mailer = smtpMailer(url);
    cleanups.push(() => mailer.close());
    return mailer;
  }

  async function rows() {
    return db().select().from(outbox).orderBy(asc(outbox.id));
  }

  async function addUser(id: string, email: string, name = id): Promise<void> {
    await db().insert(users).values({ id, email, displayName: name, passwordHash: "x", role: "member" });
  }

  async function addSubmission(postSlug = "a-post"): Promise<string> {
    const [row] = await db()
      .insert(commentSubmissions)
      .values({ postSlug, body: "A comment", partCount: 1 })
      .returning({ id: commentSubmissions.id });
    return row.id;
  }

  function facts(overrides: Partial<NewCommentFacts> & Pick<NewCommentFacts, "submissionId">): NewCommentFacts {
    return {
      postSlug: "a-post",
      postTitle: "What does a coach do?",
      parentSubmissionId: null,
      writerName: "Sam",
      writerEmail: null,
      writerUserId: null,
      commentUrl: "http://localhost:3000/comments/42",
      excerpt: "I agree.\nCoaching cycles work best when teachers choose the goal.",
      siteTitle: "Staffroom",
      siteUrl: "http://localhost:3000/",
      ...overrides,
    };
  }

  it("delivers a queued email to a real SMTP server: subject, link and List-Unsubscribe headers arrive", async () => {
    const server = await smtp();
    const unsubscribeUrl = "http://localhost:3000/unsubscribe/tokentokentokentokentoken";
    await enqueueEmail(
      db(),
      {
        to: "ada@example.org",
        subject: "Sam replied to your comment on “Coaching”",
        text: "Read it: http://localhost:3000/comments/42\n",
        headers: { "List-Unsubscribe": `<${unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      },
      T0,
    );
    const report = await deliverDueEmails(db(), mailerFor(server.url), { now: T0 });
    expect(report).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(toAddress(mail)).toBe("ada@example.org");
    expect(mail.subject).toBe("Sam replied to your comment on “Coaching”");
    expect(mail.text).toContain("http://localhost:3000/comments/42");
    expect(headerLines(mail)).toEqual(
      expect.arrayContaining([
        `List-Unsubscribe: <${unsubscribeUrl}>`,
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
      ]),
    );
    const [row] = await rows();
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(row.sentAt?.toISOString()).toBe(T0.toISOString());
    // Nothing is due any more.
    expect(await deliverDueEmails(db(), mailerFor(server.url), { now: minutes(10) })).toEqual({
      sent: 0,
      failed: 0,
      retried: 0,
    });
  });

  it("sends only what is due", async () => {
    const server = await smtp();
    await enqueueEmail(db(), { to: "ada@example.org", subject: "Later", text: "x" }, minutes(5));
    expect(await deliverDueEmails(db(), mailerFor(server.url), { now: T0 })).toEqual({
      sent: 0,
      failed: 0,
      retried: 0,
    });
    expect(await deliverDueEmails(db(), mailerFor(server.url), { now: minutes(5) })).toEqual({
      sent: 1,
      failed: 0,
      retried: 0,
    });
  });

  it("records the error and retries later when the server cannot be reached", async () => {
    const down = mailerFor(await closedPortUrl());
    await enqueueEmail(db(), { to: "ada@example.org", subject: "Hello", text: "x" }, T0);
    expect(await deliverDueEmails(db(), down, { now: T0 })).toEqual({ sent: 0, failed: 0, retried: 1 });
    let [row] = await rows();
    expect(row.status).toBe("queued");
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/ECONNREFUSED|ECONNECTION|connect/i);
    expect(row.nextAttemptAt.toISOString()).toBe(minutes(1).toISOString());

    // Not before it is due again; then the second failure waits twice as long.
    expect(await deliverDueEmails(db(), down, { now: minutes(0.5) })).toEqual({ sent: 0, failed: 0, retried: 0 });
    expect(await deliverDueEmails(db(), down, { now: minutes(1) })).toEqual({ sent: 0, failed: 0, retried: 1 });
    [row] = await rows();
    expect(row.attempts).toBe(2);
    expect(row.nextAttemptAt.toISOString()).toBe(minutes(3).toISOString());

    // The server comes back: the message goes out on its next attempt.
    const server = await smtp();
    expect(await deliverDueEmails(db(), mailerFor(server.url), { now: minutes(3) })).toEqual({
      sent: 1,
      failed: 0,
      retried: 0,
    });
    [row] = await rows();
    expect(row).toMatchObject({ status: "sent", attempts: 3, lastError: null });
    expect(server.received.map((m) => m.subject)).toEqual(["Hello"]);
  });

  it(`marks a message failed after ${MAX_ATTEMPTS} attempts, backing off 1, 2, 4 … minutes, at most an hour`, async () => {
    const down = mailerFor(await closedPortUrl());
    await enqueueEmail(db(), { to: "ada@example.org", subject: "Hello", text: "x" }, T0);
    let at = T0;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const report = await deliverDueEmails(db(), down, { now: at });
      const [row] = await rows();
      expect(row.attempts).toBe(attempt);
      if (attempt < MAX_ATTEMPTS) {
        expect(report).toEqual({ sent: 0, failed: 0, retried: 1 });
        delays.push((row.nextAttemptAt.getTime() - at.getTime()) / 60_000);
        at = row.nextAttemptAt;
      } else {
        expect(report).toEqual({ sent: 0, failed: 1, retried: 0 });
        expect(row.status).toBe("failed");
        expect(row.lastError).toBeTruthy();
        expect(row.sentAt).toBeNull();
      }
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60]);
    // A failed message is never picked again.
    expect(await deliverDueEmails(db(), down, { now: minutes(100_000) })).toEqual({ sent: 0, failed: 0, retried: 0 });
  });

  it("marks a message failed at once when the server refuses it for good (SMTP 550)", async () => {
    const server = await smtp({
      onRcptTo(address, _session, callback) {
        if (address.address === "nobody@example.org") {
          callback(Object.assign(new Error("5.1.1 No such user"), { responseCode: 550 }));
        } else callback();
      },
    });
    await enqueueEmail(db(), { to: "nobody@example.org", subject: "Refused", text: "x" }, T0);
    await enqueueEmail(db(), { to: "ada@example.org", subject: "Accepted", text: "x" }, T0);
    expect(await deliverDueEmails(db(), mailerFor(server.url), { now: T0 })).toEqual({
      sent: 1,
      failed: 1,
      retried: 0,
    });
    const [refused, accepted] = await rows();
    expect(refused).toMatchObject({ status: "failed", attempts: 1 });
    expect(refused.lastError).toMatch(/550/);
    expect(accepted.status).toBe("sent");
  });

  it("sends each message once when two workers deliver at the same time", async () => {
    const server = await smtp();
    for (let i = 1; i <= 12; i++) {
      await enqueueEmail(db(), { to: `reader${i}@example.org`, subject: `Message ${i}`, text: "x" }, T0);
    }
    const [a, b] = await Promise.all([
      deliverDueEmails(db(), mailerFor(server.url), { now: T0 }),
      deliverDueEmails(db(), mailerFor(server.url), { now: T0 }),
    ]);
    expect(a.sent + b.sent).toBe(12);
    expect(a.failed + a.retried + b.failed + b.retried).toBe(0);
    const subjects = server.received.map((m) => m.subject).sort();
    expect(subjects).toHaveLength(12);
    expect(new Set(subjects).size).toBe(12);
    expect((await rows()).every((row) => row.status === "sent" && row.attempts === 1)).toBe(true);
  });

  it("never hands one message to two of many racing workers (claims are atomic)", async () => {
    const sentTo: string[] = [];
    const instant: Mailer = {
      mode: "file",
      close: () => {},
      send: async (message) => {
        sentTo.push(message.to);
        return { id: message.to };
      },
    };
    for (let i = 1; i <= 40; i++)
      await enqueueEmail(db(), { to: `reader${i}@example.org`, subject: "Hi", text: "x" }, T0);
    const reports = await Promise.all(
      Array.from({ length: 6 }, () => deliverDueEmails(db(), instant, { now: T0, batch: 40 })),
    );
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(40);
    expect(sentTo).toHaveLength(40);
    expect(new Set(sentTo).size).toBe(40);
  });

  it("leaves a message another worker is sending alone (its claim is a lease)", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: Mailer = { mode: "file", close: () => {}, send: async (m) => (await held, { id: m.to }) };
    const sentTo: string[] = [];
    const fast: Mailer = { mode: "file", close: () => {}, send: async (m) => (sentTo.push(m.to), { id: m.to }) };
    await enqueueEmail(db(), { to: "first@example.org", subject: "Hi", text: "x" }, T0);
    await enqueueEmail(db(), { to: "second@example.org", subject: "Hi", text: "x" }, T0);
    const first = deliverDueEmails(db(), slow, { now: T0, batch: 1 });
    for (let i = 0; i < 200 && (await rows())[0].attempts === 0; i++) await new Promise((r) => setTimeout(r, 5));
    // Even much later (but within the lease), the claimed message is not sent again.
    expect(await deliverDueEmails(db(), fast, { now: minutes(10) })).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect(sentTo).toEqual(["second@example.org"]);
    release();
    expect(await first).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect((await rows()).map((row) => [row.to, row.status, row.attempts])).toEqual([
      ["first@example.org", "sent", 1],
      ["second@example.org", "sent", 1],
    ]);
  });

  it("queues with the caller's transaction: rolled back, nothing is queued", async () => {
    await expect(
      db().transaction(async (tx) => {
        await enqueueEmail(tx, { to: "ada@example.org", subject: "Hello", text: "x" }, T0);
        throw new Error("the comment was not stored");
      }),
    ).rejects.toThrow("not stored");
    expect(await rows()).toEqual([]);
  });

  it("the worker delivers queued email on its own and stops when asked", async () => {
    const server = await smtp();
    const logs: string[] = [];
    const stop = startOutboxWorker(db(), mailerFor(server.url), 20, {
      log: (l) => logs.push(l),
      logError: (l) => logs.push(l),
    });
    cleanups.push(() => stop());
    await enqueueEmail(db(), { to: "ada@example.org", subject: "From the worker", text: "x" });
    for (let i = 0; i < 200 && server.received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await stop();
    expect(server.received.map((m) => m.subject)).toEqual(["From the worker"]);
    expect(logs).toEqual([]);
  });

  it("the worker logs database errors instead of throwing", async () => {
    const errors: string[] = [];
    const broken = new Proxy(
      {},
      {
        get: () => () => {
          throw new Error("database is gone");
        },
      },
    ) as unknown as Database;
    const stop = startOutboxWorker(broken, smtpMailer("smtp://127.0.0.1:9"), 10, { logError: (l) => errors.push(l) });
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await stop();
    expect(errors[0]).toBe("Outbox worker: database is gone");
  });

  it("notifies each subscriber once per comment, never the writer, each with their own unsubscribe link", async () => {
    const parent = await addSubmission();
    const reply = await addSubmission();
    await addUser("u-mia", "mia@example.org", "Mia");
    await addUser("u-sam", "sam@example.org", "Sam");
    await addUser("u-lee", "lee@example.org", "Lee");
    // The parent's writer (a guest) wants replies; Mia wants replies too and follows the post.
    await subscribeToReplies(db(), { submissionId: parent, postSlug: "a-post", email: "Guest@Example.org" });
    await subscribeToReplies(db(), {
      submissionId: parent,
      postSlug: "a-post",
      email: "mia@example.org",
      userId: "u-mia",
    });
    await followPost(db(), { postSlug: "a-post", email: "mia@example.org", userId: "u-mia" });
    // Lee follows the post; Sam (the writer of the reply) follows it too.
    await followPost(db(), { postSlug: "a-post", email: "lee@example.org", userId: "u-lee" });
    await followPost(db(), { postSlug: "a-post", email: "sam@example.org", userId: "u-sam" });
    // Someone following another post hears nothing.
    await followPost(db(), { postSlug: "other-post", email: "lee@example.org", userId: "u-lee" });

    const result = await notifyNewComment(
      db(),
      facts({ submissionId: reply, parentSubmissionId: parent, writerName: "Sam", writerUserId: "u-sam" }),
      T0,
    );
    expect(result).toEqual({ queued: 3 });
    const queued = await rows();
    expect(queued.map((row) => row.to).sort()).toEqual(["guest@example.org", "lee@example.org", "mia@example.org"]);
    const byTo = new Map(queued.map((row) => [row.to, row]));
    // The writer's name and the post's title set apart by U+2068 … U+2069 (bidirectional isolates).
    expect(byTo.get("guest@example.org")!.subject).toBe(
      '\u2068Sam\u2069 replied to your comment on "\u2068What does a coach do?\u2069"',
    );
    expect(byTo.get("mia@example.org")!.subject).toBe(
      '\u2068Sam\u2069 replied to your comment on "\u2068What does a coach do?\u2069"',
    );
    expect(byTo.get("lee@example.org")!.subject).toBe(
      'New comment on "\u2068What does a coach do?\u2069" by \u2068Sam\u2069',
    );
    const links = queued.map((row) => /http:\/\/localhost:3000\/unsubscribe\/([A-Za-z0-9_-]+)/.exec(row.text)![0]);
    expect(new Set(links).size).toBe(3);
    for (const [i, row] of queued.entries()) {
      expect(row.text).toContain("http://localhost:3000/comments/42");
      expect(row.text).toContain("> I agree.\n> Coaching cycles work best");
      expect(JSON.parse(row.headers!)).toEqual({
        "List-Unsubscribe": `<${links[i]}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
      });
    }

    // Delivered through SMTP, they arrive as written.
    const server = await smtp();
    expect(await deliverDueEmails(db(), mailerFor(server.url), { now: T0 })).toMatchObject({ sent: 3 });
    const lee = server.received.find((mail) => toAddress(mail) === "lee@example.org")!;
    expect(lee.text).toContain("\u2068Sam\u2069 commented on");
    expect(lee.text).toContain("http://localhost:3000/comments/42");
    const leeLink = links[queued.findIndex((row) => row.to === "lee@example.org")];
    expect(headerLines(lee)).toEqual(
      expect.arrayContaining([`List-Unsubscribe: <${leeLink}>`, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"]),
    );
  });

  it("never emails a guest about their own reply (same email, any case), nor anyone twice", async () => {
    const parent = await addSubmission();
    const reply = await addSubmission();
    await subscribeToReplies(db(), { submissionId: parent, postSlug: "a-post", email: "guest@example.org" });
    const result = await notifyNewComment(
      db(),
      facts({
        submissionId: reply,
        parentSubmissionId: parent,
        writerName: "Guest",
        writerEmail: " GUEST@example.org ",
      }),
      T0,
    );
    expect(result).toEqual({ queued: 0 });
    // A top-level comment reaches followers only, not reply subscribers.
    await subscribeToReplies(db(), { submissionId: parent, postSlug: "a-post", email: "other@example.org" });
    expect(await notifyNewComment(db(), facts({ submissionId: reply }), T0)).toEqual({ queued: 0 });
  });

  it("works inside the caller's transaction: queued with the comment, or not at all", async () => {
    const parent = await addSubmission();
    await subscribeToReplies(db(), { submissionId: parent, postSlug: "a-post", email: "guest@example.org" });
    const [parentComment] = await db()
      .insert(comments)
      .values({
        postSlug: "a-post",
        position: 1,
        authorKind: "guest",
        displayName: "Guest",
        body: "Hi",
        submissionId: parent,
      })
      .returning({ id: comments.id });
    expect(await parentSubmissionIdOf(db(), parentComment.id)).toBe(parent);
    expect(await parentSubmissionIdOf(db(), null)).toBeNull();
    expect(await parentSubmissionIdOf(db(), 999_999)).toBeNull();

    const reply = await addSubmission();
    await expect(
      db().transaction(async (tx) => {
        await notifyNewComment(tx, facts({ submissionId: reply, parentSubmissionId: parent }), T0);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await rows()).toEqual([]);

    await db().transaction(async (tx) => {
      await subscribeToReplies(tx, {
        submissionId: parent,
        postSlug: "a-post",
        email: "x@example.org",
      });
      await notifyNewComment(tx, facts({ submissionId: parent, parentSubmissionId: parent }), T0);
    });
    expect((await rows()).map((row) => row.to).sort()).toEqual(["guest@example.org", "x@example.org"]);
  });

  it("uses a member's current account email", async () => {
    const parent = await addSubmission();
    await addUser("u-mia", "mia@example.org");
    await followPost(db(), { postSlug: "a-post", email: "mia@example.org", userId: "u-mia" });
    await db().update(users).set({ email: "mia@new.example.org" }).where(eq(users.id, "u-mia"));
    await notifyNewComment(db(), facts({ submissionId: await addSubmission(), parentSubmissionId: parent }), T0);
    expect((await rows()).map((row) => row.to)).toEqual(["mia@new.example.org"]);
  });

  it("unsubscribing stops further emails; it is idempotent; unknown tokens are null", async () => {
    const parent = await addSubmission();
    const { token } = await subscribeToReplies(db(), {
      submissionId: parent,
      postSlug: "a-post",
      email: "guest@example.org",
    });
    expect(await describeSubscription(db(), token)).toMatchObject({
      kind: "replies",
      postSlug: "a-post",
      submissionId: parent,
      emailHint: "g…@example.org",
      unsubscribedAt: null,
    });

    expect(await unsubscribe(db(), token, T0)).toEqual({ kind: "replies", postSlug: "a-post" });
    expect(await unsubscribe(db(), token, minutes(5))).toEqual({ kind: "replies", postSlug: "a-post" });
    const [row] = await db().select().from(subscriptions);
    expect(row.unsubscribedAt?.toISOString()).toBe(T0.toISOString()); // the first time is kept
    expect((await describeSubscription(db(), token))?.unsubscribedAt).toBe(T0.toISOString());

    const reply = await addSubmission();
    expect(await notifyNewComment(db(), facts({ submissionId: reply, parentSubmissionId: parent }), T0)).toEqual({
      queued: 0,
    });
    // Subscribing again from a replayed form does not undo it.
    await subscribeToReplies(db(), { submissionId: parent, postSlug: "a-post", email: "guest@example.org" });
    expect(await notifyNewComment(db(), facts({ submissionId: reply, parentSubmissionId: parent }), T0)).toEqual({
      queued: 0,
    });

    for (const unknown of ["nonsense", "A".repeat(32), "", "../../etc/passwd", "x".repeat(500)]) {
      expect(await unsubscribe(db(), unknown)).toBeNull();
      expect(await describeSubscription(db(), unknown)).toBeNull();
    }
  });

  it("subscribing to replies is idempotent per submission and address; tokens are long and unique", async () => {
    const submission = await addSubmission();
    const first = await subscribeToReplies(db(), {
      submissionId: submission,
      postSlug: "a-post",
      email: "ada@example.org",
    });
    const again = await subscribeToReplies(db(), {
      submissionId: submission,
      postSlug: "a-post",
      email: " ADA@example.org",
    });
    expect(first.created).toBe(true);
    expect(again).toEqual({ ...first, created: false });
    const other = await subscribeToReplies(db(), {
      submissionId: submission,
      postSlug: "a-post",
      email: "bo@example.org",
    });
    expect(other.token).not.toBe(first.token);
    // 24 random bytes, base64url: 32 characters, 192 bits.
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await db().select().from(subscriptions)).toHaveLength(2);
    await expect(
      subscribeToReplies(db(), { submissionId: submission, postSlug: "a-post", email: "a@b.org, c@d.org" }),
    ).rejects.toThrow(TypeError);
  });

  it("members follow and unfollow a post", async () => {
    await addUser("u-mia", "mia@example.org");
    const input = { postSlug: "a-post", userId: "u-mia" };
    expect(await isFollowingPost(db(), input)).toBe(false);
    const followed = await followPost(db(), { ...input, email: "mia@example.org" });
    expect(followed.created).toBe(true);
    expect((await followPost(db(), { ...input, email: "mia@example.org" })).created).toBe(false);
    expect(await isFollowingPost(db(), input)).toBe(true);
    expect(await unfollowPost(db(), input)).toBe(true);
    expect(await unfollowPost(db(), input)).toBe(false);
    expect(await isFollowingPost(db(), input)).toBe(false);
    // Following again brings the same subscription (and link) back.
    expect(await followPost(db(), { ...input, email: "mia@example.org" })).toEqual({ ...followed, created: true });
    expect(await isFollowingPost(db(), input)).toBe(true);
    expect(await unsubscribe(db(), followed.token)).toEqual({ kind: "post", postSlug: "a-post" });
    expect(await isFollowingPost(db(), input)).toBe(false);
  });

  it("tells the post's coach about a held comment", async () => {
    expect(
      await notifyHeldComment(
        db(),
        {
          to: "morgan@practice-notes.example.org",
          postTitle: "What does a coach do?",
          writerName: "New Guest",
          excerpt: "Check out my site",
          queueUrl: "http://localhost:3000/moderation",
          siteTitle: "Staffroom",
        },
        T0,
      ),
    ).toEqual({ queued: 1 });
    const [row] = await rows();
    expect(row.to).toBe("morgan@practice-notes.example.org");
    expect(row.subject).toBe('Comment held for review on "\u2068What does a coach do?\u2069"');
    expect(row.text).toContain("New Guest");
    expect(row.text).toContain("> Check out my site");
    expect(row.text).toContain("http://localhost:3000/moderation");
    expect(row.nextAttemptAt.toISOString()).toBe(T0.toISOString());
  });
});
