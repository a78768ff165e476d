import fc from 'fast-check';
import {
  listedPluginOutput,
  truncateOutput,
} from '../../local/ssm-simulator';
import { ERROR_TITLE, ERROR_TRUNCATED_MARKER, isListedOutputCut, OUTPUT_TRUNCATED_MARKER } from '../../lambdas/sources/run-command/output-limits';

/**
 * Text of any length up to `maxLength` (all of it, not fast-check's default of about ten
 * characters), drawn by length then pattern: a failure shrinks by its length in a few steps,
 * where shrinking a 9,000-character fc.string character by character takes minutes.
 */
const text = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 0, max: maxLength }), fc.string({ minLength: 1, maxLength: 50, size: 'max' }))
    .map(([length, pattern]) => pattern.repeat(Math.ceil(length / pattern.length)).slice(0, length));

// The agent's own test input (amazon-ssm-agent iohandler_test.go, sampleSize 100).
const line = 'This is a sample text. This is a sample text. This is a sample text. This is a sample text. This is a sample text.\n';
const longMessage = `${line.repeat(10)}1234567890. This is a sample text. This is a sample text`;

describe('truncateOutput reproduces the SSM agent', () => {
  it.each([
    ['', '', ''],
    ['sample output', '', 'sample output'],
    ['', 'sample error', '\n----------ERROR-------\nsample error'],
    ['sample output', 'sample error', 'sample output\n----------ERROR-------\nsample error'],
    [longMessage, '', 'This is a sample text. This is a sample text. This is a sample text. This is \n---Output truncated---'],
    ['', longMessage, '\n----------ERROR-------\nThis is a sample text. This is a sample text. This is\n---Error truncated----'],
    [
      longMessage,
      longMessage,
      'This is a sampl\n---Output truncated---\n----------ERROR-------\nThis is a sampl\n---Error truncated----',
    ],
  ])('agent vector %#', (stdout, stderr, expected) => {
    expect(truncateOutput(stdout, stderr, 100)).toBe(expected);
  });

  it('cuts output that is exactly at capacity, as the agent does (strict less-than)', () => {
    const out = truncateOutput('x'.repeat(2500), '');
    expect(out).toBe('x'.repeat(2500 - OUTPUT_TRUNCATED_MARKER.length) + OUTPUT_TRUNCATED_MARKER);
    expect(truncateOutput('x'.repeat(2499), '')).toBe('x'.repeat(2499));
  });

  it('keeps short stderr whole and cuts stdout when only stdout is long', () => {
    const out = truncateOutput('o'.repeat(5000), 'boom');
    expect(out.endsWith(`${OUTPUT_TRUNCATED_MARKER}${ERROR_TITLE}boom`)).toBe(true);
    expect(out).toHaveLength(2500);
    // Only the marker in the middle says stdout was cut: the output ends with stderr as it was.
    expect(isListedOutputCut(out)).toBe(true);
  });

  it('never exceeds the capacity, and a cut is always marked, in each of the agent\'s four branches', () => {
    const branches = new Set<string>();
    fc.assert(
      fc.property(text(6000), text(9000), (stdout, stderr) => {
        const out = truncateOutput(stdout, stderr);
        expect(out.length).toBeLessThanOrEqual(2500);
        const whole = stdout + (stderr.length > 0 ? ERROR_TITLE : '') + stderr;
        if (out !== whole) expect(isListedOutputCut(out)).toBe(true);
        else expect(out.length).toBeLessThan(2500);
        expect(out.startsWith(stdout.slice(0, Math.min(stdout.length, 1200)))).toBe(true);
        // The generated text is printable ASCII: a marker in the output is the agent's.
        const stdoutCut = out.includes(OUTPUT_TRUNCATED_MARKER);
        const stderrCut = out.endsWith(ERROR_TRUNCATED_MARKER);
        if (stdoutCut) expect(stdout.startsWith(out.slice(0, out.indexOf(OUTPUT_TRUNCATED_MARKER)))).toBe(true);
        else expect(out.startsWith(stdout)).toBe(true);
        if (stderrCut) {
          const keptStderr = out.slice(out.indexOf(ERROR_TITLE) + ERROR_TITLE.length, -ERROR_TRUNCATED_MARKER.length);
          expect(keptStderr.length).toBeLessThan(stderr.length);
          expect(stderr.startsWith(keptStderr)).toBe(true);
        } else if (stderr.length > 0) {
          // A stream the agent does not cut is kept whole, in its place.
          expect(out.endsWith(ERROR_TITLE + stderr)).toBe(true);
        }
        branches.add(out === whole ? 'whole' : `${stdoutCut ? 'stdout cut' : 'stdout whole'}, ${stderrCut ? 'stderr cut' : 'stderr whole'}`);
      }),
      { numRuns: 300 },
    );
    // The sizes reach past the 2,500 characters the agent keeps: every branch ran (each is
    // over a tenth of the draws, so missing one in 300 runs has odds below 1e-18).
    expect([...branches].sort()).toEqual(['stdout cut, stderr cut', 'stdout cut, stderr whole', 'stdout whole, stderr cut', 'whole']);
  });

  it('handles the stdout-exactly-half edge where the agent would panic', () => {
    const out = truncateOutput('a'.repeat(1238), 'b'.repeat(3000));
    expect(out.length).toBeLessThanOrEqual(2500);
    expect(out.endsWith(ERROR_TRUNCATED_MARKER)).toBe(true);
  });

  it('does not split a surrogate pair at the cut', () => {
    const out = truncateOutput('😀'.repeat(2000), '');
    const kept = out.slice(0, -OUTPUT_TRUNCATED_MARKER.length);
    expect(kept).toBe('😀'.repeat(kept.length / 2));
  });

  it('listedPluginOutput and isListedOutputCut agree on short and long outputs', () => {
    expect(isListedOutputCut(listedPluginOutput('fine', ''))).toBe(false);
    expect(isListedOutputCut(listedPluginOutput('fine', 'warning'))).toBe(false);
    expect(isListedOutputCut(listedPluginOutput('x'.repeat(30000), ''))).toBe(true);
    expect(isListedOutputCut(listedPluginOutput('', 'e'.repeat(9000)))).toBe(true);
    expect(isListedOutputCut(listedPluginOutput('x'.repeat(30000), 'warning'))).toBe(true);
    expect(isListedOutputCut(listedPluginOutput('x'.repeat(30000), 'e'.repeat(9000)))).toBe(true);
  });
});
