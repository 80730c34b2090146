import { lazy, Suspense, type ReactNode } from "react";
import { Route, Routes } from "react-router-dom";
import { useCurrentSpace } from "../../app/session";
import { Loading } from "../../components/common/QueryState";
import { ExperimentList } from "../../components/Evaluation/Experiments/ExperimentList";
import NotFoundPage from "../NotFoundPage";

// The wizard, the detail page and the comparison are their own chunks: the list does not need them.
const CreateExperimentPage = lazy(() => import("./CreateExperimentPage"));
const ExperimentDetailPage = lazy(() => import("./ExperimentDetailPage"));
const CompareExperimentsPage = lazy(() => import("./CompareExperimentsPage"));

const lazyPage = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

/** evaluation/experiments (the list), create (the wizard), contrast (comparison) and :experimentID. Keyed by the workspace. */
export default function ExperimentsPage() {
  const space = useCurrentSpace();
  return (
    <Routes key={space.id}>
      <Route index element={<ExperimentList />} />
      <Route path="create" element={lazyPage(<CreateExperimentPage />)} />
      <Route path="contrast" element={lazyPage(<CompareExperimentsPage />)} />
      <Route path=":experimentID" element={lazyPage(<ExperimentDetailPage />)} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
