import { CompareView } from "../../components/Evaluation/Experiments/CompareView";

/** evaluation/experiments/contrast (a lazy chunk). */
export default function CompareExperimentsPage() {
  return <CompareView />;
}
