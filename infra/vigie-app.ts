/**
 * Builds the CDK app: context validated, the stack, and cdk-nag's AWS Solutions checks run at synth.
 * `app.ts` runs it; the tests call it with their own context.
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseContext } from './context.js';
import { VigieStack, type VigieStackProps } from './vigie-stack.js';

export const STACK_NAME = 'Vigie';

export interface VigieApp {
  readonly app: App;
  readonly stack: VigieStack;
}

/** The app and its one stack; throws a ContextError (one line naming the key) on bad context. */
export function createVigieApp(props: AppProps = {}, entries?: VigieStackProps['entries']): VigieApp {
  const app = new App(props);
  const context = parseContext(app.node.getAllContext() as Record<string, unknown>);
  const stack = new VigieStack(app, STACK_NAME, {
    context,
    entries,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
