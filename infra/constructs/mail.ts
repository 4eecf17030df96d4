/**
 * The SES configuration set every Vigie mail is sent with: addresses that bounce or complain are put on
 * the suppression list (SES then refuses to send to them again, protecting the account's reputation), and
 * reputation metrics are published. Its bounce and complaint events go to an SNS topic with an alarm
 * (Operations). A configuration set only routes events: the raw MIME, List-Unsubscribe included, is sent
 * as composed (no open or click tracking, no SES list management).
 */
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  /**
   * An existing configuration set to send with instead (its events are then yours to route).
   * @default - the stack creates one
   */
  readonly existingConfigurationSet?: string | undefined;
}

export class Mail extends Construct {
  /** The configuration set created by the stack, or `undefined` when an existing one is used. */
  readonly configurationSet: ConfigurationSet | undefined;
  readonly configurationSetName: string;

  constructor(scope: Construct, id: string, props: MailProps = {}) {
    super(scope, id);
    if (props.existingConfigurationSet !== undefined) {
      this.configurationSet = undefined;
      this.configurationSetName = props.existingConfigurationSet;
      return;
    }
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.configurationSetName = this.configurationSet.configurationSetName;
  }
}
