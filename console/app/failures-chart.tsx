import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { DailyFailures } from './api';
import { kindLabel } from './format';

// Only the pieces a stacked bar chart uses, so the rest of Chart.js is left out of the bundle.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

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

/**
 * Failures per day by kind, stacked. The canvas carries a one-sentence summary as its label;
 * the same numbers are in a table that only assistive technology sees.
 */
export function FailuresChart({ daily }: { readonly daily: DailyFailures }): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const element = canvas.current;
    if (element === null) return undefined;
    let chart: Chart<'bar'> | undefined;
    const draw = (): void => {
      chart?.destroy();
      const colours = palette();
      chart = new Chart(element, {
        type: 'bar',
        data: {
          labels: daily.days.map((day) => day.day.slice(5)),
          datasets: daily.kinds.map((kind, index) => ({
            label: kindLabel(kind),
            data: daily.days.map((day) => day.counts[kind] ?? 0),
            backgroundColor: colours.series[index % colours.series.length] ?? colours.text,
            stack: 'failures',
          })),
        },
        options: {
          // Drawn at once: no animation to wait for, for people who asked for less motion and for the tests.
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          color: colours.text,
          scales: {
            x: { stacked: true, ticks: { color: colours.text }, grid: { color: colours.grid } },
            y: { stacked: true, beginAtZero: true, ticks: { color: colours.text, precision: 0 }, grid: { color: colours.grid } },
          },
          plugins: { legend: { position: 'bottom', labels: { color: colours.text } } },
        },
      });
      element.dataset['drawn'] = 'true';
    };
    draw();
    // The colours follow the colour scheme when it changes.
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', draw);
    return () => {
      scheme.removeEventListener('change', draw);
      chart?.destroy();
    };
  }, [daily]);

  const summary = chartSummary(daily);
  return (
    <figure class="chart">
      <div class="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={summary} />
      </div>
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
