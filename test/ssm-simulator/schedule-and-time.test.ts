import fc from 'fast-check';
import { Schedule } from '../../local/ssm-simulator/schedule';
import { isoSeconds, isoTrimmed, javaDuration } from '../../local/ssm-simulator/time-format';

describe('Schedule', () => {
  it('pops by time, then in the order entries were pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200, size: 'max' }), (times) => {
        const schedule = new Schedule<number>();
        times.forEach((at, index) => schedule.push(at, index));
        const popped: [number, number][] = [];
        for (let next = schedule.pop(); next !== undefined; next = schedule.pop()) popped.push([next.at, next.item]);
        const expected = times.map((at, index): [number, number] => [at, index]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('retains only what passes and reports the latest due time', () => {
    const schedule = new Schedule<string>();
    [5, 1, 9, 3].forEach((at) => schedule.push(at, at % 2 === 0 ? 'even' : `odd-${at}`));
    expect(schedule.latest(() => true)).toBe(9);
    schedule.retain((item) => item !== 'odd-9');
    expect(schedule.latest(() => true)).toBe(5);
    expect(schedule.size).toBe(3);
    expect([schedule.pop()?.at, schedule.pop()?.at, schedule.pop()?.at, schedule.pop()]).toEqual([1, 3, 5, undefined]);
  });
});

describe('timestamp spellings', () => {
  it.each([
    [0, 'PT0S'],
    [91, 'PT0.091S'],
    [1500, 'PT1.5S'],
    [60_000, 'PT1M'],
    [65_500, 'PT1M5.5S'],
    [3_600_000, 'PT1H'],
    [3_661_010, 'PT1H1M1.01S'],
  ])('javaDuration(%d) is %s', (ms, text) => {
    expect(javaDuration(ms)).toBe(text);
  });

  it('trims SNS fractions and drops EventBridge milliseconds', () => {
    expect(isoTrimmed(new Date('2019-04-25T17:57:09.170Z'))).toBe('2019-04-25T17:57:09.17Z');
    expect(isoTrimmed(new Date('2019-04-25T17:57:09.236Z'))).toBe('2019-04-25T17:57:09.236Z');
    expect(isoTrimmed(new Date('2019-04-25T17:57:09.000Z'))).toBe('2019-04-25T17:57:09Z');
    expect(isoSeconds(new Date('2016-07-10T21:51:32.999Z'))).toBe('2016-07-10T21:51:32Z');
  });
});
