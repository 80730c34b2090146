import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router-dom";
import { useCurrentSpace } from "../../app/session";
import { Loading } from "../../components/common/QueryState";
import { EvalSetList } from "../../components/Evaluation/Datasets/EvalSetList";
import NotFoundPage from "../NotFoundPage";

// The set's page (items, import, versions) is its own chunk: the list does not need it.
const EvalSetDetailPage = lazy(() => import("./EvalSetDetailPage"));

/** evaluation/datasets (the evaluation sets) and evaluation/datasets/:setID. Keyed by the workspace. */
export default function DatasetsPage() {
  const space = useCurrentSpace();
  return (
    <Routes key={space.id}>
      <Route index element={<EvalSetList />} />
      <Route
        path=":setID"
        element={
          <Suspense fallback={<Loading />}>
            <EvalSetDetailPage />
          </Suspense>
        }
      />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
