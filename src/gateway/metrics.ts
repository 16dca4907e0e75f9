// Counters of one gateway in Prometheus text format (docs/GATEWAY.md "Metrics"). Only counts and
// timings: labels come from fixed sets (route, error code), never from a key, value or client, so
// the metrics page cannot become a presence record (docs/THREAT-MODEL.md, "Registry gateway").
import type { GatewayErrorCode } from './errors.ts';
import type { Route, ServedRequest } from './handler.ts';

/** Upper bounds of the latency histogram, in seconds (DHT puts take 10 ms-1 s, timeouts 10 s). */
export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface GatewayGauges {
  dhtNodes: number;
  dhtBootstrapped: boolean;
  residentBytes: number;
}

interface Histogram {
  counts: number[];
  sumSeconds: number;
  count: number;
}

export class GatewayMetrics {
  private puts = 0;
  private gets = 0;
  private getKeys = 0;
  private readonly refusals = new Map<string, { route: Route; code: GatewayErrorCode; n: number }>();
  private readonly latency = new Map<Route, Histogram>();

  /** One answered request, as the handler saw it. */
  observe(served: ServedRequest): void {
    if (served.code !== undefined) this.refuse(served.route, served.code);
    else if (served.route === 'put') this.puts++;
    else if (served.route === 'get') {
      this.gets++;
      this.getKeys += served.keys ?? 0;
    }
    let h = this.latency.get(served.route);
    if (h === undefined) {
      h = { counts: LATENCY_BUCKETS_S.map(() => 0), sumSeconds: 0, count: 0 };
      this.latency.set(served.route, h);
    }
    const seconds = Math.max(0, served.ms) / 1000;
    LATENCY_BUCKETS_S.forEach((le, i) => {
      if (seconds <= le) h.counts[i] = (h.counts[i] ?? 0) + 1;
    });
    h.sumSeconds += seconds;
    h.count++;
  }

  /** A refusal that never reached the handler (malformed HTTP answered by the server). */
  refuse(route: Route, code: GatewayErrorCode): void {
    const key = `${route} ${code}`;
    const entry = this.refusals.get(key);
    if (entry === undefined) this.refusals.set(key, { route, code, n: 1 });
    else entry.n++;
  }

  render(gauges: GatewayGauges): string {
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, lines: string[]): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    };
    metric('sotto_gateway_puts_total', 'counter', 'Records stored (put requests answered 200).', [`sotto_gateway_puts_total ${this.puts}`]);
    metric('sotto_gateway_gets_total', 'counter', 'Get requests answered 200.', [`sotto_gateway_gets_total ${this.gets}`]);
    metric('sotto_gateway_get_keys_total', 'counter', 'Keys looked up by answered get requests.', [`sotto_gateway_get_keys_total ${this.getKeys}`]);
    const refusals = [...this.refusals.values()].sort((a, b) => `${a.route}${a.code}`.localeCompare(`${b.route}${b.code}`));
    metric('sotto_gateway_refusals_total', 'counter', 'Requests answered with an error, by route and error code.',
      refusals.map((r) => `sotto_gateway_refusals_total{route="${r.route}",code="${r.code}"} ${r.n}`));
    const histogramLines: string[] = [];
    for (const [route, h] of [...this.latency.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      LATENCY_BUCKETS_S.forEach((le, i) => {
        histogramLines.push(`sotto_gateway_request_duration_seconds_bucket{route="${route}",le="${le}"} ${h.counts[i] ?? 0}`);
      });
      histogramLines.push(
        `sotto_gateway_request_duration_seconds_bucket{route="${route}",le="+Inf"} ${h.count}`,
        `sotto_gateway_request_duration_seconds_sum{route="${route}"} ${h.sumSeconds}`,
        `sotto_gateway_request_duration_seconds_count{route="${route}"} ${h.count}`,
      );
    }
    metric('sotto_gateway_request_duration_seconds', 'histogram', 'Time from request to answer, by route.', histogramLines);
    metric('sotto_gateway_dht_nodes', 'gauge', 'HyperDHT nodes in the routing table of the gateway\'s DHT client.', [`sotto_gateway_dht_nodes ${gauges.dhtNodes}`]);
    metric('sotto_gateway_dht_bootstrapped', 'gauge', '1 once the DHT client finished bootstrapping.', [`sotto_gateway_dht_bootstrapped ${gauges.dhtBootstrapped ? 1 : 0}`]);
    metric('process_resident_memory_bytes', 'gauge', 'Resident set size of the gateway process.', [`process_resident_memory_bytes ${gauges.residentBytes}`]);
    return `${out.join('\n')}\n`;
  }
}
