import { CreateExperiment } from "../../components/Evaluation/Experiments/CreateExperiment";

/** evaluation/experiments/create (a lazy chunk). */
export default function CreateExperimentPage() {
  return <CreateExperiment />;
}
