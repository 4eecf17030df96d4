/**
 * The buckets: the archive (reports, facts, rejects, state, sends, config), the exports (imported by name,
 * or created), Athena's query results, and the server access logs of the others. Every bucket blocks public
 * access, refuses plain HTTP, is encrypted with S3-managed keys and outlives the stack (RETAIN): reports and
 * facts are the product, and a `cdk destroy` must not take them along.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type IBucket,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface StorageProps {
  /**
   * Name of an existing bucket holding the exports.
   * @default - a new bucket is created
   */
  readonly exportsBucketName?: string | undefined;
  /**
   * Name of an existing bucket holding Amazon Connect CTRs (Firehose output).
   * @default - no CTR input
   */
  readonly ctrBucketName?: string | undefined;
}

/** Archive prefixes with a lifecycle of their own. */
export const ARCHIVE_LIFECYCLE = {
  rejectsExpireDays: 90,
  sendsExpireDays: 400,
  reportsInfrequentAccessDays: 30,
} as const;

/** Athena query results are only read back by the run that wrote them. */
export const QUERY_RESULTS_EXPIRE_DAYS = 7;

export class Storage extends Construct {
  readonly accessLogs: Bucket;
  readonly archive: Bucket;
  readonly exports: IBucket;
  /** Whether the stack created the exports bucket (else it was imported by name). */
  readonly exportsCreated: boolean;
  readonly queryResults: Bucket;
  /** The Amazon Connect CTR bucket (imported), when configured. */
  readonly ctr: IBucket | undefined;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);

    const secure: BucketProps = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    };

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...secure,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket; logging its own accesses would log forever.',
    });
    const logged = (prefix: string): BucketProps => ({
      ...secure,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: `${prefix}/`,
    });

    this.archive = new Bucket(this, 'Archive', {
      ...logged('archive'),
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-rejects',
          prefix: 'rejects/',
          expiration: Duration.days(ARCHIVE_LIFECYCLE.rejectsExpireDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'expire-sends',
          prefix: 'sends/',
          expiration: Duration.days(ARCHIVE_LIFECYCLE.sendsExpireDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'reports-infrequent-access',
          prefix: 'reports/',
          transitions: [
            {
              storageClass: StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(ARCHIVE_LIFECYCLE.reportsInfrequentAccessDays),
            },
          ],
        },
        // Facts and state are rewritten every night (restatement): old versions are only an undo window.
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    if (props.exportsBucketName === undefined) {
      this.exports = new Bucket(this, 'Exports', {
        ...logged('exports'),
        lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      });
      this.exportsCreated = true;
    } else {
      this.exports = Bucket.fromBucketName(this, 'Exports', props.exportsBucketName);
      this.exportsCreated = false;
    }

    this.ctr =
      props.ctrBucketName === undefined
        ? undefined
        : props.ctrBucketName === props.exportsBucketName
          ? this.exports
          : Bucket.fromBucketName(this, 'Ctr', props.ctrBucketName);

    this.queryResults = new Bucket(this, 'QueryResults', {
      ...logged('query-results'),
      lifecycleRules: [
        { id: 'expire-query-results', expiration: Duration.days(QUERY_RESULTS_EXPIRE_DAYS) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }
}
