import { describeAwsCliThroughProxy } from '../support/aws-cli-through-proxy';

// The AWS CLI v1 on PATH (pip's awscli), as the other AWS CLI suites run it.
describeAwsCliThroughProxy('the AWS CLI v1', 'aws');
