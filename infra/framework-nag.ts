/**
 * Acknowledgements for the one resource the CDK framework creates on Vigie's behalf outside its constructs:
 * the singleton Lambda function of `BucketDeployment` (which uploads the config). Its role and runtime are
 * chosen by aws-cdk-lib, not by Vigie; each finding is acknowledged with that reason.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

const BUCKET_DEPLOYMENT = 'Custom::CDKBucketDeployment';

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** The IAM4/IAM5 finding ids cdk-nag raises on a role's managed policies and its default policy. */
function roleFindings(role: IConstruct): string[] {
  const stack = Stack.of(role);
  const cfnRole = role.node.defaultChild as { managedPolicyArns?: unknown } | undefined;
  const managed = asArray(stack.resolve(cfnRole?.managedPolicyArns) as unknown[] | undefined).map(
    (arn) => `AwsSolutions-IAM4[Policy::${flattenCfnReference(arn)}]`,
  );
  const policy = role.node.tryFindChild('DefaultPolicy') as { document?: { toJSON(): unknown } } | undefined;
  const document = stack.resolve(policy?.document?.toJSON()) as { Statement?: Statement[] } | undefined;
  const wildcards = (document?.Statement ?? [])
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => [
      ...asArray(s.Action)
        .filter((a) => a.includes('*'))
        .map((a) => `Action::${a}`),
      ...asArray(s.Resource)
        .map(flattenCfnReference)
        .filter((r) => r.includes('*'))
        .map((r) => `Resource::${r}`),
    ])
    .map((f) => `AwsSolutions-IAM5[${f}]`);
  return [...managed, ...new Set(wildcards)];
}

export function acknowledgeFrameworkResources(stack: Stack): void {
  for (const singleton of stack.node.children.filter((c) => c.node.id.startsWith(BUCKET_DEPLOYMENT))) {
    const role = singleton.node.tryFindChild('ServiceRole');
    if (role !== undefined)
      for (const id of roleFindings(role))
        Validations.of(role).acknowledge({
          id,
          reason:
            "aws-cdk-lib's BucketDeployment handler role (uploads config/vigie.yaml at deploy time only): its basic execution policy and object wildcards on the CDK assets bucket and the archive are set by the framework.",
        });
    if (singleton.node.defaultChild instanceof CfnFunction)
      Validations.of(singleton).acknowledge({
        id: 'AwsSolutions-L1',
        reason: "The runtime of aws-cdk-lib's BucketDeployment handler is chosen by the framework and moves with it.",
      });
  }
}
