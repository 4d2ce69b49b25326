/** The executable's entry (bin/jwt-audit.js imports the built copy of this file). */
import { run } from './cli.js';

process.exitCode = await run(process.argv);
