import { restartWrite } from '../__testUtils__/writes';
import { planHash } from './writes';

const restart = restartWrite;

describe('planHash', () => {
  it('is the same for the same writes over the same versions, whenever computed', () => {
    expect(planHash([restart()])).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(planHash([restart()])).toBe(
      planHash([restart({ restartedAt: '2026-12-01T12:05:00.000Z' })]),
    );
  });

  it('changes when an object read changed, or the writes differ', () => {
    const base = planHash([restart()]);
    expect(planHash([restart({ resourceVersion: '8' })])).not.toBe(base);
    expect(planHash([restart({ name: 'api' })])).not.toBe(base);
    expect(planHash([])).not.toBe(base);
  });
});
