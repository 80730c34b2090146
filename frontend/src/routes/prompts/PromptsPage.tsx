import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router-dom";
import { Loading } from "../../components/common/QueryState";
import { PromptTable } from "../../components/Prompts/PromptTable";
import NotFoundPage from "../NotFoundPage";

// The editor (template editor, playground, versions) is its own chunk: the list does not need it.
const PromptEditorPage = lazy(() => import("./PromptEditorPage"));

/** pe/prompts (the list) and pe/prompts/:promptID (the editor). */
export default function PromptsPage() {
  return (
    <Routes>
      <Route index element={<PromptTable />} />
      <Route
        path=":promptID"
        element={
          <Suspense fallback={<Loading />}>
            <PromptEditorPage />
          </Suspense>
        }
      />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
