import { javaDuration } from '../../lambdas/ssm-protocol/elapsed-time';

describe('javaDuration (GetCommandInvocation ExecutionElapsedTime)', () => {
  it.each([
    [0, 'PT0S'],
    [-5, 'PT0S'],
    [0.4, 'PT0S'],
    [1, 'PT0.001S'],
    [91, 'PT0.091S'],
    [500, 'PT0.5S'],
    [1000, 'PT1S'],
    [5500, 'PT5.5S'],
    [65_500, 'PT1M5.5S'],
    [60_000, 'PT1M'],
    [3_600_000, 'PT1H'],
    [3_661_010, 'PT1H1M1.01S'],
    [7_200_250, 'PT2H0.25S'],
    [90_061_001, 'PT25H1M1.001S'],
  ])('%d ms is %s, as Java\'s Duration.toString writes it', (ms, text) => {
    expect(javaDuration(ms)).toBe(text);
  });
});
