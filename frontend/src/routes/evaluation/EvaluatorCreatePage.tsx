import type { EvaluatorKind } from "../../api/evaluators";
import { EvaluatorCreate } from "../../components/Evaluation/Evaluators/EvaluatorCreate";

/** evaluation/evaluators/create/llm and create/code (a lazy chunk with the editors). */
export default function EvaluatorCreatePage({ type }: { type: EvaluatorKind }) {
  return <EvaluatorCreate key={type} type={type} />;
}
