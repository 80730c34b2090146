import { MetricsDashboard } from "../../components/Metrics/MetricsDashboard";

/** observation/metrics: summaries, time series and pies over the workspace's spans (ECharts lives in this chunk only). */
export default function MetricsPage() {
  return <MetricsDashboard />;
}
