import { setTimeout as sleep } from 'node:timers/promises';
import { type AlertReceiver, startAlertReceiver } from '@outbox/testkit';
import { expect } from 'vitest';
import type { ChaosScenario } from '../harness/chaos-scenario.ts';
import { expectPoisonDeadLettered, type PoisonEvent, writePoison } from './poison-events.ts';

/**
 * Poison events mixed into the load while the alert webhook's receiver is down (connection
 * refused); it comes up later. The pipeline must not wait for it, and the receiver must still
 * get the `DEAD_LETTERS` alerts, covering every dead letter, once it is up.
 */
export function webhookDown(counts = { oversize: 1, invalid: 4 }): ChaosScenario {
  let receiver: AlertReceiver | undefined;
  let poison: PoisonEvent[] = [];
  const deadLetterAlerts = () => receiver?.alerts.filter((a) => a.alert === 'DEAD_LETTERS') ?? [];
  const alertedLetters = () => deadLetterAlerts().reduce((sum, a) => sum + Number((a.details as { count?: number }).count), 0);
  return {
    fault: 'alert webhook down',
    prepare: async () => {
      receiver = await startAlertReceiver({ down: true });
      return {
        OUTBOX_ALERT_WEBHOOK_URL: receiver.url,
        // Dead letters after the first of a burst are gathered for one window: 3 s instead of 60.
        OUTBOX_ALERT_WINDOW_MS: '3000',
        // Retries spaced at most 1 s apart, for up to about a minute: longer than the receiver is down.
        OUTBOX_ALERT_WEBHOOK_RETRY_INITIAL_MS: '200',
        OUTBOX_ALERT_WEBHOOK_RETRY_MAX_MS: '1000',
        OUTBOX_ALERT_WEBHOOK_MAX_ATTEMPTS: '60',
      };
    },
    inject: async (run) => {
      poison = await writePoison(run, counts);
      // Down for real: wait until a publisher was refused and is retrying, then a little longer.
      const deadline = Date.now() + 60_000;
      while (!run.fleet.output('publisher').includes('alert webhook failed; retrying') && Date.now() < deadline) {
        await sleep(100);
      }
      await sleep(500 + Math.random() * 1500);
      await receiver?.up();
      run.log(`receiver up with ${run.committed()} events written`);
      return Date.now();
    },
    recovered: () => alertedLetters() >= poison.length,
    check: (outcome) => {
      expectPoisonDeadLettered(outcome, poison);
      expect(outcome.fleetOutput('publisher')).toContain('alert webhook failed; retrying');
      expect(receiver?.malformed).toEqual([]);
      const alerts = deadLetterAlerts();
      expect(alerts.length).toBeGreaterThan(0);
      for (const alert of alerts) {
        expect(alert).toMatchObject({
          severity: 'error',
          connector: outcome.run.env.OUTBOX_CONNECTOR_NAME,
          details: { dlqTopics: [outcome.run.dlqTopic] },
        });
        expect(Number.isNaN(Date.parse(alert.at))).toBe(false);
      }
      // Each publisher reports the dead letters it wrote, so together they cover every one (a
      // duplicate dead letter, which at-least-once allows, would be counted again).
      expect(alertedLetters()).toBeGreaterThanOrEqual(poison.length);
    },
    cleanup: async () => {
      await receiver?.close();
    },
  };
}
