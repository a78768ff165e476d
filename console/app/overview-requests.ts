/**
 * What the overview asks the API for, as the URLs it fetches. The overview's index.html
 * preloads exactly these, so their answers are on the way while the script still loads.
 */
export const OVERVIEW_REQUESTS = {
  /** Failures per day by kind: the chart's 14 days. */
  daily: '/failures/daily?days=14',
  status: '/status',
  /** The latest alerts shown. */
  alerts: '/alerts?limit=10',
} as const;
