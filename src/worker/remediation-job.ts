/** The `remediations` job: carries out one approval, once (src/approval/execute-approved.ts). */
import type { Job } from 'bullmq';
import { executeApproved, type ExecutionOutcome } from '../approval/execute-approved.js';
import type { RemediationJobData } from '../queue/jobs.js';
import type { WorkerContext } from './context.js';
import { jobFailure } from './errors.js';

export type RemediationJobOutcome = ExecutionOutcome;

export async function processRemediationJob(w: WorkerContext, job: Job<RemediationJobData>): Promise<RemediationJobOutcome> {
  const id = job.data.approvalId;
  const logger = w.logger.child({ jobId: job.id, approvalId: id });
  try {
    return await executeApproved({ ...w, keyPrefix: w.config.redis.prefix, executor: w.name, logger }, id);
  } catch (error) {
    logger.error({ err: (error as Error).message }, 'remediation job failed');
    throw jobFailure(error);
  }
}
