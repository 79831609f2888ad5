/**
 * What IAM's policy simulator does not see, stated with every answer so that "allowed" is
 * never read as "this is how it happened" nor "denied" as "this could not have happened".
 */
export const SIMULATOR_BLIND_SPOTS: readonly string[] = [
  'Service control policies are evaluated only as far as the simulator can: an SCP (or resource control policy) whose conditions use global condition keys (aws:SourceIp, aws:PrincipalOrgID, aws:RequestedRegion…) may not show its effect here.',
  'Resource-based policies are not passed: the bucket policy (or key, queue, topic policy) can allow or deny on its own. Read it too, e.g. aws s3api get-bucket-policy --bucket <bucket>.',
  'An assumed-role session is simulated as its role: the role\'s policies and permission boundary apply, the session policy and session tags the caller used do not (a session never has more than its role).',
  'Condition keys not in the request context are missing (listed per answer); conditions on them are evaluated as if the key were absent.',
  'Policies are simulated as they are now, not as they were at the time of the event: a policy changed since (see iam-policy-changes) changes the answer.',
];

/** What the verify_access step calls; the query role's policy grants it (deploy/iam/). */
export const VERIFY_ACCESS_PERMISSIONS: readonly string[] = ['iam:SimulatePrincipalPolicy'];
