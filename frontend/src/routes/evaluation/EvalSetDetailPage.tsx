import { EvalSetDetail } from "../../components/Evaluation/Datasets/EvalSetDetail";

/** evaluation/datasets/:setID (a lazy chunk). */
export default function EvalSetDetailPage() {
  return <EvalSetDetail />;
}
