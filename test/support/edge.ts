/** A documentation ACM certificate ARN (account 111122223333, AWS's example account): what an internet-facing prod NLB needs in a test config. */
export const TEST_CERTIFICATE_ARN = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000";
