import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { memberProfile } from "~/auth/member-profile.server";
import { getRequestUser } from "~/http/session.server";
import { getDatabase } from "~/database.server";
import { commentPath } from "~/discovery/paths";
import { formatInstant } from "~/posts/dates";
import { isolated } from "~/site/bidi";

/** `/members/<id>`: an account id (a lucia id, 16 characters; anything up to 64 is looked up). */
const memberParamsSchema = z.object({ id: z.string().min(1).max(64) });

export async function loader({ params, request }: LoaderFunctionArgs) {
  const parsed = memberParamsSchema.safeParse(params);
  const db = await getDatabase();
  const [{ headers }, profile] = await Promise.all([
    getRequestUser(request),
    parsed.success ? memberProfile(db, parsed.data.id) : null,
  ]);
  if (!profile) throw new Response("There is no member at this address.", { status: 404, headers });
  return json(profile, { headers });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${isolated(data.member.displayName)}'s comments` : "Member not found" },
];

export default function MemberProfile() {
  const { member, comments } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>
        <bdi>{member.displayName}</bdi>
      </h1>
      <p className="meta">{member.role === "member" ? "Member" : member.role === "coach" ? "Coach" : "Admin"}</p>
      <h2>Comments</h2>
      {comments.length === 0 ? <p>No comments yet.</p> : null}
      <ol className="profile-comments">
        {comments.map((comment) => (
          <li key={comment.id}>
            <p className="meta">
              On{" "}
              <Link to={commentPath(comment.id)}>
                <bdi>{comment.postTitle}</bdi>
              </Link>{" "}
              · <time dateTime={comment.createdAt}>{formatInstant(comment.createdAt)}</time>
              {comment.part ? ` · ${comment.part}` : ""}
            </p>
            <p>{comment.excerpt}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
