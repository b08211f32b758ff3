// The kfed CLI entry (bin `kfed`, `npm run kfed -- ARGS`). Only this file calls process.exit.
import { main } from './index.js';

process.exit(await main(process.argv.slice(2)));
