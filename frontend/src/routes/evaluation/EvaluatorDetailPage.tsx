import { EvaluatorDetail } from "../../components/Evaluation/Evaluators/EvaluatorDetail";

/** evaluation/evaluators/:evaluatorID (a lazy chunk with the editors). */
export default function EvaluatorDetailPage() {
  return <EvaluatorDetail />;
}
