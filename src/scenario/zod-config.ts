// zod compiles object parsers with `new Function` when it may; probing for that is an eval, which
// the page's Content-Security-Policy forbids (script-src 'self') and reports as a violation. The
// loader parses small files, so the interpreted parser is fast enough: turn the compiler off
// before any schema is built (imported first by schema.ts).
import { config } from 'zod';

config({ jitless: true });
