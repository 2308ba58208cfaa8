/** One promtool unit-test case for one alert: the series, when to evaluate, and what must fire. */
export interface ExpectedAlert {
  labels: Record<string, string>;
  summary: string;
  description: string;
}

export interface AlertCase {
  alert: string;
  /** What the case shows, e.g. "fires when every replica is down". */
  title: string;
  interval: string;
  /** How often promtool evaluates the rules; cases run together must agree. */
  evaluationInterval?: string;
  series: { series: string; values: string }[];
  evalTime: string;
  /** Empty: the alert must not fire at evalTime. */
  expected: ExpectedAlert[];
}
