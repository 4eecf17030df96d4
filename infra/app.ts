/** The CDK app (`cdk.json`): one stack, or one line on stderr naming the bad context key. */
import { ContextError } from './context.js';
import { createVigieApp } from './vigie-app.js';

try {
  createVigieApp().app.synth();
} catch (error) {
  if (!(error instanceof ContextError)) throw error;
  console.error(`vigie: ${error.message}`);
  process.exitCode = 1;
}
