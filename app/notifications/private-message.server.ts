import type { Database } from "../../db/client";
import { enqueueEmail } from "./outbox.server";
import { isolated } from "../site/bidi";

/**
 * A comment sent privately to the post's author instead of being published
 * (the writer chose so when asked about the contact details in it). Queued
 * as an email like every other; Reply-To is the writer's address when known.
 */
export async function sendPrivateMessage(
  db: Database,
  message: {
    to: string;
    postTitle: string;
    postUrl: string;
    senderName: string;
    senderEmail: string | null;
    body: string;
    siteTitle: string;
  },
): Promise<void> {
  // The sender's name and the title set apart, so a right-to-left override in one cannot flip our words.
  const name = isolated(message.senderName);
  const from = message.senderEmail ? `${name} <${isolated(message.senderEmail)}>` : name;
  const title = isolated(message.postTitle);
  await enqueueEmail(db, {
    to: message.to,
    subject: `A private message about “${title}”`,
    text: [
      `${from} wrote to you privately about your post “${title}” (${message.postUrl}).`,
      "It was not published.",
      "",
      message.body,
      "",
      `— ${message.siteTitle}`,
    ].join("\n"),
    headers: message.senderEmail ? { "Reply-To": message.senderEmail } : undefined,
  });
}
