// Policy evaluations per second: evaluate() on one core, one second per preset.
import { evaluate, listPresets, type EvaluationInput } from '../../policies';
import { cleanOrder, ms } from './support';

export function measureEvaluations(): Record<string, number> {
  const perSecond: Record<string, number> = {};
  for (const policy of listPresets()) {
    const input = {
      order: cleanOrder('eval'),
      request: { requestedAt: new Date().toISOString(), reason: 'changed_mind' },
      usage: { used: 10 },
    } as EvaluationInput;
    let n = 0;
    const start = process.hrtime.bigint();
    while (ms(start) < 1_000) {
      for (let i = 0; i < 100; i++) evaluate(policy, input);
      n += 100;
    }
    perSecond[policy.id] = Math.round(n / (ms(start) / 1000));
  }
  return perSecond;
}
