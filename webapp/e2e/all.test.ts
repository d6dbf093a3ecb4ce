// Every browser suite, in one process, against one `npm start` and one Chromium (see support/shared.ts).
// A new suite is a file in suites/ imported here.
import { after } from "node:test";

import { stopShared } from "./support/shared.ts";

import "./suites/tips.e2e.ts";
import "./suites/account.e2e.ts";
import "./suites/tickets.e2e.ts";
import "./suites/oneToOne.e2e.ts";
import "./suites/report.e2e.ts";

after(() => stopShared());
