/**
 * cdk-nag acknowledgements, kept next to the resources they concern. cdk-nag 3 names each wildcard finding
 * after the resource it covers (`AwsSolutions-IAM5[Resource::<Archive1234.Arn>/reports/*]`); the helper
 * computes those names from the statement itself, so a renamed construct cannot leave a stale suppression
 * behind nor silence a wildcard it was not written for.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** The IAM5 finding ids a statement raises: one per wildcard action and per wildcard resource. */
export function wildcardFindings(scope: IConstruct, statement: PolicyStatement): string[] {
  const stack = Stack.of(scope);
  const actions = statement.actions.filter((a) => a.includes('*')).map((a) => `Action::${a}`);
  const resources = statement.resources
    .map((r) => flattenCfnReference(stack.resolve(r)))
    .filter((r) => r.includes('*'))
    .map((r) => `Resource::${r}`);
  return [...actions, ...resources].map((f) => `AwsSolutions-IAM5[${f}]`);
}

/** Acknowledges the wildcards of a statement (added to a policy under `scope`) with the reason they are needed. */
export function acknowledgeWildcards(scope: IConstruct, statement: PolicyStatement, reason: string): void {
  for (const id of wildcardFindings(scope, statement)) Validations.of(scope).acknowledge({ id, reason });
}
