import { config } from "zod/v4/core";

// zod probes for `new Function` the first time a schema is built, to compile fast parsers. The
// Content Security Policy forbids eval, so the probe would be reported as a violation on every
// page; parse without it (the schemas in the browser are small). Only zod's core config is
// imported here: this file runs on every page, most of which build no schema.
config({ jitless: true });
