// Files a report's evidence (text + screenshots) for the signed-in wallet; answers with the evidence hash the
// reporter then puts on chain. GET lists the signed-in wallet's own reports.
import { error, json } from "@sveltejs/kit";
import { isAddress, isAddressEqual, isHex, type Address, type Hex } from "viem";
import { z } from "zod";

import { checkReport } from "$lib/reports";
import { conversationRef } from "$lib/reports/conversationRef";
import { serverConfig } from "$lib/server/config";
import { conversationMembers } from "$lib/server/messaging/conversationMembers";
import { ReportFileError, reportStore, sessionBelongsTo } from "$lib/server/reports";
import { mintServiceToken } from "$lib/server/session";

import type { RequestHandler } from "./$types";

const Fields = z.discriminatedUnion("targetKind", [
  z.object({ targetKind: z.literal("session"), targetRef: z.string().regex(/^\d{1,78}$/) }),
  z.object({ targetKind: z.literal("payment"), targetRef: z.string().refine((v) => isHex(v) && v.length === 66) }),
  z.object({
    targetKind: z.literal("conversation"),
    targetRef: z.string().refine((v) => isHex(v) && v.length === 66),
    /** The conversation's id on the message hub: the server checks the reporter is in it. */
    conversationId: z.string().regex(/^[\w-]{1,200}$/),
  }),
]);

export const POST: RequestHandler = async ({ request, locals }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  const form = await request.formData().catch(() => null);
  if (form === null) error(400, "expected a multipart form");
  const subject = String(form.get("subject") ?? "");
  if (!isAddress(subject)) error(400, "subject must be an address");
  const target = Fields.safeParse({
    targetKind: form.get("targetKind"),
    targetRef: form.get("targetRef"),
    conversationId: form.get("conversationId") ?? undefined,
  });
  if (!target.success) {
    error(
      400,
      "targetKind must be session (with a session id), payment (with a 32-byte hash) or conversation (with its hash and conversationId)",
    );
  }
  const text = String(form.get("text") ?? "");
  const files = form.getAll("files").filter((f): f is File => f instanceof File && f.size > 0);
  const problems = checkReport(
    text,
    files.map((f) => ({ name: f.name, type: f.type, size: f.size })),
  );
  if (problems.length > 0) error(400, JSON.stringify(problems));
  const reporter = locals.session.address;
  if (
    target.data.targetKind === "session" &&
    !sessionBelongsTo(BigInt(target.data.targetRef), reporter, subject as Address)
  ) {
    error(403, "this session is not yours with this creator");
  }
  if (target.data.targetKind === "conversation") {
    await checkConversationReport(locals.session, subject as Address, target.data);
  }
  try {
    const report = reportStore().create({
      reporter,
      subject: subject as Address,
      target:
        target.data.targetKind === "session"
          ? { kind: "session", ref: target.data.targetRef }
          : { kind: target.data.targetKind, ref: target.data.targetRef as Hex },
      text,
      files: await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer()))),
    });
    return json({ id: report.id, evidenceHash: report.evidenceHash, files: report.files }, { status: 201 });
  } catch (cause) {
    if (cause instanceof ReportFileError) error(400, cause.message);
    throw cause;
  }
};

/**
 * A conversation report names a conversation the reporter is in, with the reported wallet, and the hash on chain
 * is that conversation's. The hub answers for the reporter (its own token), so a non-member learns nothing.
 * On XMTP no server can see who is in a conversation (it is end-to-end encrypted): the hash check alone holds.
 */
async function checkConversationReport(
  session: NonNullable<App.Locals["session"]>,
  subject: Address,
  target: { targetRef: string; conversationId: string },
): Promise<void> {
  if (conversationRef(target.conversationId) !== target.targetRef) {
    error(400, "targetRef must be the hash of conversationId");
  }
  const { messenger } = serverConfig().public;
  if (messenger.transport !== "hub" || messenger.hubUrl === null) return;
  const members = await conversationMembers({
    hubUrl: messenger.hubUrl,
    address: session.address,
    token: mintServiceToken(session, "message-hub"),
    conversationId: target.conversationId,
  }).catch(() => error(503, "the message hub could not be reached to check the conversation; try again"));
  if (members === null) error(403, "you are not a member of this conversation");
  if (!members.some((member) => isAddressEqual(member, subject))) {
    error(403, "the wallet you report is not in this conversation");
  }
}

export const GET: RequestHandler = ({ locals }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  const reports = reportStore().listByReporter(locals.session.address);
  return json({ reports }, { headers: { "cache-control": "no-store" } });
};
