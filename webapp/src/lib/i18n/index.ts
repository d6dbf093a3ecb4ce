import { en, type Messages } from "./en";

/** The messages for the reader's language (English until a second locale file exists). */
export const m: Messages = en;
export type { Messages };
