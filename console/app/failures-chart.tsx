import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DailyFailures } from './api';
import { kindLabel } from './format';

/** The kinds' colours and the chart's ink, from the stylesheet's custom properties (light or dark). */
function palette(): { series: string[]; text: string; grid: string } {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string): string => style.getPropertyValue(name).trim();
  return {
    series: [1, 2, 3, 4, 5, 6].map((index) => read(`--chart-${index}`)),
    text: read('--text'),
    grid: read('--border'),
  };
}

export const totalOf = (daily: DailyFailures, kind: string): number => daily.days.reduce((sum, day) => sum + (day.counts[kind] ?? 0), 0);

/** What the chart shows, in one sentence, for those who cannot see it. */
export function chartSummary(daily: DailyFailures): string {
  const first = daily.days[0]?.day;
  const last = daily.days[daily.days.length - 1]?.day;
  if (first === undefined || last === undefined) return 'Failures per day: no days to show.';
  const perKind = daily.kinds.map((kind) => [kind, totalOf(daily, kind)] as const);
  const total = perKind.reduce((sum, [, count]) => sum + count, 0);
  const range = `over ${daily.days.length} days, ${first} to ${last} (UTC)`;
  if (total === 0) return `Failures per day ${range}: none.`;
  const byKind = perKind.filter(([, count]) => count > 0).map(([kind, count]) => `${kindLabel(kind)} ${count}`).join(', ');
  const worst = daily.days.reduce((best, day) => (dayTotal(day.counts) > dayTotal(best.counts) ? day : best));
  return `Failures per day ${range}: ${total} in total (${byKind}); the most on ${worst.day}, ${dayTotal(worst.counts)}.`;
}

const dayTotal = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((sum, count) => sum + count, 0);

/** The chart's height in CSS pixels; its width is its container's. */
const CHART_HEIGHT = 240;

/**
 * Failures per day by kind, stacked: each kind's bar is drawn from zero to the running total
 * of the kinds before it and itself, the tallest first, so each visible segment is one kind's
 * count. The canvas carries a one-sentence summary as its label; the same numbers are in a
 * table that only assistive technology sees, and the legend is plain HTML.
 */
export function FailuresChart({ daily }: { readonly daily: DailyFailures }): JSX.Element {
  const container = useRef<HTMLDivElement>(null);
  const summary = chartSummary(daily);
  useEffect(() => {
    const element = container.current;
    if (element === null) return undefined;
    let plot: uPlot | undefined;
    const draw = (): void => {
      plot?.destroy();
      const colours = palette();
      const days = daily.days.map((_, index) => index);
      const totals: number[][] = [];
      daily.kinds.forEach((kind, index) => {
        const below = totals[index - 1];
        totals.push(daily.days.map((day, position) => (below?.[position] ?? 0) + (day.counts[kind] ?? 0)));
      });
      const order = daily.kinds.map((_, index) => index).reverse();
      const axis = { stroke: colours.text, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid, width: 1 } };
      plot = new uPlot(
        {
          width: element.clientWidth,
          height: CHART_HEIGHT,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [-0.5, days.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
          axes: [
            { ...axis, values: (_u, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? (daily.days[tick]?.day.slice(5) ?? '') : '')) },
            { ...axis, values: (_u, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : '')) },
          ],
          series: [
            {},
            ...order.map((index) => ({
              label: kindLabel(daily.kinds[index] ?? ''),
              fill: colours.series[index % colours.series.length] ?? colours.text,
              stroke: colours.series[index % colours.series.length] ?? colours.text,
              // No outline: a day without failures draws nothing, not a hairline.
              width: 0,
              paths: uPlot.paths.bars?.({ size: [0.6, 64] }),
              points: { show: false },
            })),
          ],
        },
        [days, ...order.map((index) => totals[index] ?? [])],
        element,
      );
      const canvas = element.querySelector('canvas');
      canvas?.setAttribute('role', 'img');
      canvas?.setAttribute('aria-label', summary);
      canvas?.setAttribute('data-drawn', 'true');
    };
    draw();
    // The colours follow the colour scheme, the width the window.
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', draw);
    const resized = new ResizeObserver(() => plot?.setSize({ width: element.clientWidth, height: CHART_HEIGHT }));
    resized.observe(element);
    return () => {
      scheme.removeEventListener('change', draw);
      resized.disconnect();
      plot?.destroy();
    };
  }, [daily]);

  return (
    <figure class="chart">
      <div class="chart-canvas" ref={container} />
      <ul class="chart-legend" aria-hidden="true">
        {daily.kinds.map((kind, index) => (
          <li key={kind}>
            <span class={`swatch swatch-${(index % 6) + 1}`} />
            {kindLabel(kind)}
          </li>
        ))}
      </ul>
      <figcaption>{summary}</figcaption>
      <table class="visually-hidden">
        <caption>Failures per day by kind (UTC days)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {daily.kinds.map((kind) => (
              <th scope="col" key={kind}>
                {kindLabel(kind)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {daily.days.map((day) => (
            <tr key={day.day}>
              <th scope="row">{day.day}</th>
              {daily.kinds.map((kind) => (
                <td key={kind}>{day.counts[kind] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
