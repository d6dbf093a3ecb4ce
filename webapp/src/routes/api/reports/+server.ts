// Files a report's evidence (text + screenshots) for the signed-in wallet; answers with the evidence hash the
// reporter then puts on chain. GET lists the signed-in wallet's own reports.
import { error, json } from "@sveltejs/kit";
import { isAddress, isHex, type Address, type Hex } from "viem";
import { z } from "zod";

import { checkReport } from "$lib/reports";
import { ReportFileError, reportStore, sessionBelongsTo } from "$lib/server/reports";

import type { RequestHandler } from "./$types";

const Fields = z.discriminatedUnion("targetKind", [
  z.object({ targetKind: z.literal("session"), targetRef: z.string().regex(/^\d{1,78}$/) }),
  z.object({ targetKind: z.literal("payment"), targetRef: z.string().refine((v) => isHex(v) && v.length === 66) }),
  z.object({
    targetKind: z.literal("conversation"),
    targetRef: z.string().refine((v) => isHex(v) && v.length === 66),
  }),
]);

export const POST: RequestHandler = async ({ request, locals }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  const form = await request.formData().catch(() => null);
  if (form === null) error(400, "expected a multipart form");
  const subject = String(form.get("subject") ?? "");
  if (!isAddress(subject)) error(400, "subject must be an address");
  const target = Fields.safeParse({ targetKind: form.get("targetKind"), targetRef: form.get("targetRef") });
  if (!target.success) {
    error(400, "targetKind must be session (with a session id), or payment or conversation (with a 32-byte hash)");
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

export const GET: RequestHandler = ({ locals }) => {
  if (locals.session === null) error(401, "sign in with your wallet first");
  const reports = reportStore().listByReporter(locals.session.address);
  return json({ reports }, { headers: { "cache-control": "no-store" } });
};
