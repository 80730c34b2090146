import { useCurrentSpace } from "../../app/session";
import { MetricsDashboard } from "../../components/Metrics/MetricsDashboard";

/**
 * observation/metrics: summaries, time series and pies over the workspace's spans (ECharts lives in this chunk only).
 * Keyed by the workspace: another workspace starts over, and never shows this one's numbers while its own load.
 */
export default function MetricsPage() {
  const space = useCurrentSpace();
  return <MetricsDashboard key={space.id} />;
}
