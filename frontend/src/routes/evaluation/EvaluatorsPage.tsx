import { lazy, Suspense, type ReactNode } from "react";
import { Route, Routes } from "react-router-dom";
import { EVALUATOR_TYPE } from "../../api/evaluators";
import { useCurrentSpace } from "../../app/session";
import { Loading } from "../../components/common/QueryState";
import { EvaluatorList } from "../../components/Evaluation/Evaluators/EvaluatorList";
import NotFoundPage from "../NotFoundPage";

// The editors (templates, debug runs, code editor) are their own chunk: the list does not need them.
const EvaluatorCreatePage = lazy(() => import("./EvaluatorCreatePage"));
const EvaluatorDetailPage = lazy(() => import("./EvaluatorDetailPage"));

const lazyPage = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

/** evaluation/evaluators (the list), create/llm, create/code, and :evaluatorID (edit, try, versions). Keyed by the workspace. */
export default function EvaluatorsPage() {
  const space = useCurrentSpace();
  return (
    <Routes key={space.id}>
      <Route index element={<EvaluatorList />} />
      <Route path="create/llm" element={lazyPage(<EvaluatorCreatePage type={EVALUATOR_TYPE.prompt} />)} />
      <Route path="create/code" element={lazyPage(<EvaluatorCreatePage type={EVALUATOR_TYPE.code} />)} />
      <Route path=":evaluatorID" element={lazyPage(<EvaluatorDetailPage />)} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
