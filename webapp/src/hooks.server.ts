import type { Handle, HandleServerError } from "@sveltejs/kit/hooks";

import { anonymousPageCache, isCacheable } from "$lib/server/anonymousPages";
import { readSession, SESSION_COOKIE } from "$lib/server/session";

const publicPages = anonymousPageCache();

export const handle: Handle = async ({ event, resolve }) => {
  const cookie = event.cookies.get(SESSION_COOKIE);
  event.locals.session = readSession(cookie);
  const shared = isCacheable({
    method: event.request.method,
    url: event.url,
    isDataRequest: event.isDataRequest,
    signedIn: cookie !== undefined,
  });
  const response = shared ? await publicPages.serve(event.url, () => resolve(event)) : await resolve(event);
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
