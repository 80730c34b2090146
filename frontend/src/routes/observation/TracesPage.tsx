import { Route, Routes } from "react-router-dom";
import { TraceExplorer } from "../../components/Traces/TraceExplorer";
import NotFoundPage from "../NotFoundPage";

/** observation/traces: the span list; `?trace_id=` (and `&span_id=`) opens the trace drawer. */
export default function TracesPage() {
  return (
    <Routes>
      <Route index element={<TraceExplorer />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
