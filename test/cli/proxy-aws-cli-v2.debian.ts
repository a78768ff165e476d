import { describeAwsCliThroughProxy } from '../support/aws-cli-through-proxy';

// The AWS CLI v2 as Debian packages it (apt's awscli), at its own path: v1 comes first on PATH.
describeAwsCliThroughProxy('the AWS CLI v2', '/usr/bin/aws');
