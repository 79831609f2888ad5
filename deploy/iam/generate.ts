/** `npx tsx deploy/iam/generate.ts`: rewrites deploy/iam/*.json from what the code declares. */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeIamDocuments } from './policies.js';

for (const file of writeIamDocuments(dirname(fileURLToPath(import.meta.url)))) process.stdout.write(`wrote ${file}\n`);
