// `npm run tools`: makes every local tool available (see README "Tools").
import { ensureTools, ToolchainError, toolsCacheDir } from './tools.js';

const started = Date.now();
console.log(`[tools] cache: ${toolsCacheDir()}`);
try {
  await ensureTools({ log: (line) => { console.log(line); } });
  console.log(`[tools] all tools ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} catch (err) {
  if (err instanceof ToolchainError) {
    console.error(`[tools] error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
