import type { OutboxEvent } from '@outbox/contracts';
import type { HeadAction, HeadActionStore } from '@outbox/queue';
import type { DeliveryJob, HeadResolver } from './delivery-job.ts';
import type { JobDelivery } from './job-delivery.ts';

/**
 * What an operator asked done with the event a halted partition stopped at, wherever it sits in
 * the job: dead-lettered with error class MANUAL, or skipped — acknowledged with the job, never
 * sent. The action is marked done before the rest of the job is sent, so if the rest halts again
 * later probes leave the event out without dead-lettering it again. Only a crash between the
 * dead letter and that mark sends it twice (same `id` header).
 */
export function operatorHeadResolver(
  action: HeadAction,
  job: DeliveryJob,
  parts: { delivery: JobDelivery; headActions: HeadActionStore },
): HeadResolver {
  return {
    outboxId: action.outboxId,
    resolve: async (event: OutboxEvent, progress) => {
      if (action.done) return;
      const who = {
        eventId: event.eventId,
        outboxId: event.id,
        requestedBy: action.requestedBy,
        requestedAt: action.requestedAt,
      };
      if (action.action === 'dead-letter') {
        const reason = action.reason ?? 'dead-lettered by an operator';
        await parts.delivery.deadLetterByOperator(job, progress, event, reason);
        job.log.warn({ ...who, reason }, 'head event dead-lettered by an operator');
      } else {
        job.log.warn({ ...who, reason: action.reason }, 'head event skipped by an operator: acknowledged without sending');
      }
      await parts.headActions
        .request(job.partition, { ...action, done: true })
        .catch((e: unknown) => job.log.warn({ err: e }, 'could not mark the head action done; a probe may do it again'));
    },
  };
}
