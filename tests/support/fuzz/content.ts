import type { Database } from "../../../db/client";
import { invitations, socialPosts } from "../../../db/schema";
import { addMember, createUser, createWorkspace, TEST_PASSWORD, type TestUser } from "../factories";
import { insertEpisode, insertMedia, insertShow } from "../podcasts";
import { insertNotification, insertSocialAccount } from "../social-posts";
import { insertTranscript } from "../transcripts";
import type { IdPools } from "./inputs";

let counter = 0;

/**
 * A workspace with one of everything the procedures address: shows, episodes (published and draft), audio and
 * image media, a transcript with its job and segments, a social account and post, a notification, a pending
 * invitation and a second member. Returns the ids by kind.
 */
export async function workspaceWithContent(db: Database, label: string) {
  const n = counter++;
  const owner = await createUser(db, { name: `${label} Owner`, email: `owner-${n}@fuzz.test` });
  const workspace = await createWorkspace(db, owner, `${label} studio`);
  const editor = await createUser(db, { name: `${label} Editor`, email: `editor-${n}@fuzz.test` });
  await addMember(db, workspace.id, editor, "editor");
  const show = await insertShow(db, workspace.id, { title: `${label} show` });
  const audio = await insertMedia(db, workspace.id, { kind: "audio" });
  const image = await insertMedia(db, workspace.id, { kind: "image" });
  const published = await insertEpisode(db, show, {
    title: "Published",
    status: "published",
    publishedAt: new Date(),
    audioMediaId: audio.id,
  });
  const draft = await insertEpisode(db, show, { title: "Draft" });
  const { transcript, job, segments } = await insertTranscript(db, workspace.id, { mediaId: audio.id });
  const account = await insertSocialAccount(db, workspace.id, { username: `fuzz_${n}` });
  const [post] = await db
    .insert(socialPosts)
    .values({ workspaceId: workspace.id, accountId: account.id, type: "image", caption: "Hello", timezone: "UTC" })
    .returning();
  const notification = await insertNotification(db, workspace.id, owner.id);
  const [invitation] = await db
    .insert(invitations)
    .values({
      workspaceId: workspace.id,
      email: `invitee-${n}@fuzz.test`,
      role: "viewer",
      tokenHash: `fuzz-${n}-${crypto.randomUUID()}`,
      invitedBy: owner.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    })
    .returning();
  const ids = {
    workspace: [workspace.id],
    show: [show.id],
    episode: [published.id, draft.id],
    audio: [audio.id],
    image: [image.id],
    transcript: [transcript.id],
    job: [job.id],
    segment: segments.map((s) => s.id),
    account: [account.id],
    post: [post.id],
    notification: [notification.id],
    invitation: [invitation.id],
    user: [editor.id],
    session: [owner.session.sessionId],
    email: [owner.email],
    password: [TEST_PASSWORD],
  };
  return { owner: owner as TestUser, workspace, ids };
}
export type Content = Awaited<ReturnType<typeof workspaceWithContent>>;
type Kind = keyof Content["ids"];

/** Which kinds of id a field holds, read from its name. */
const FIELD_KINDS: [RegExp, Kind[]][] = [
  [/^workspace/i, ["workspace"]],
  [/^show/i, ["show"]],
  [/^episode/i, ["episode"]],
  [/^segment/i, ["segment"]],
  [/^transcript/i, ["transcript"]],
  [/^job/i, ["job"]],
  [/artwork|image|thumbnail|cover/i, ["image"]],
  [/audio/i, ["audio"]],
  [/media/i, ["audio", "image"]],
  [/^account/i, ["account"]],
  [/^post/i, ["post"]],
  [/^source/i, ["transcript", "episode"]],
  [/^invitation/i, ["invitation"]],
  [/^(user|member)/i, ["user"]],
  [/^session/i, ["session"]],
  [/^ids?$|notification/i, ["notification"]],
  [/email/i, ["email"]],
  [/^(current)?password$/i, ["password"]],
];

const kindsOf = (field: string) => FIELD_KINDS.find(([pattern]) => pattern.test(field))?.[1] ?? [];

/** The owner's ids as valid values, another workspace's as foreign ones; an empty field name means every id. */
export function idPools(own: Content, foreign: Content): IdPools {
  const pick = (content: Content, field: string) => {
    const kinds: Kind[] = field
      ? kindsOf(field)
      : (Object.keys(content.ids) as Kind[]).filter((k) => k !== "password" && k !== "email");
    return kinds.flatMap((kind) => content.ids[kind]);
  };
  return { own: (field) => pick(own, field), foreign: (field) => pick(foreign, field) };
}
