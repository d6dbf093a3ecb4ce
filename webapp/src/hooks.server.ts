import type { Handle, HandleServerError } from "@sveltejs/kit/hooks";

import { readSession, SESSION_COOKIE } from "$lib/server/session";

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.session = readSession(event.cookies.get(SESSION_COOKIE));
  const response = await resolve(event);
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "strict-origin-when-cross-origin");
  response.headers.set("permissions-policy", "camera=(self), microphone=(self), geolocation=()");
  return response;
};

export const handleError: HandleServerError = (caught) => {
  // Errors raised with error(…) keep their status and message; only unexpected ones are logged and hidden.
  if (caught.kind !== "unknown") return;
  const error = caught.error;
  console.error(
    JSON.stringify({
      level: "error",
      component: "webapp",
      path: caught.event.url.pathname,
      err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
    }),
  );
  return { message: "Something went wrong on our side. Please try again." };
};
