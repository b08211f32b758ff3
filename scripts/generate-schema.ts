// Writes schema/federation.schema.json from the zod spec schema (`npm run schema`).
import { writeFileSync } from 'node:fs';
import { federationJsonSchema } from '../src/spec/json-schema.js';

const path = new URL('../schema/federation.schema.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(federationJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
