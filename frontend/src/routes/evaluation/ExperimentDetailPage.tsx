import { ExperimentDetail } from "../../components/Evaluation/Experiments/ExperimentDetail";

/** evaluation/experiments/:experimentID (a lazy chunk; its charts are another). */
export default function ExperimentDetailPage() {
  return <ExperimentDetail />;
}
