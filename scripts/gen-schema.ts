// `npm run schema`: write public/scenario.schema.json from the scenario validators, so editors can
// complete and check scenario files. src/scenario/schema.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildJsonSchema } from '../src/scenario';

const out = fileURLToPath(new URL('../public/scenario.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
