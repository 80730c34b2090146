import { Route, Routes } from "react-router-dom";
import { useCurrentSpace } from "../../app/session";
import { TraceExplorer } from "../../components/Traces/TraceExplorer";
import NotFoundPage from "../NotFoundPage";

/**
 * observation/traces: the span list; `?trace_id=` (and `&span_id=`) opens the trace drawer. Keyed by the workspace:
 * moving to another workspace's traces starts over (time range, tab, filters, view), never showing this one's.
 */
export default function TracesPage() {
  const space = useCurrentSpace();
  return (
    <Routes>
      <Route index element={<TraceExplorer key={space.id} />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
