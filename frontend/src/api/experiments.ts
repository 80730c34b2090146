import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "../client/schema";
import type { Content } from "../lib/evalContent";
import { isRunning } from "../lib/experimentStatus";
import type { EvaluatorFieldMapping, FieldMapping } from "../lib/fieldMapping";
import type { FilterCondition } from "../lib/resultFilters";
import { api } from "./client";
import { unwrap } from "./errors";
import { workspaceQuery, type EvaluatorRecord } from "./evaluators";
import { queryKeys } from "./queryKeys";

export type Experiment = components["schemas"]["Experiment"];
export type ItemResult = components["schemas"]["ItemResult"];
export type ExperimentResult = components["schemas"]["ExperimentResult"];
export type ColumnEvaluator = components["schemas"]["ColumnEvaluator"];
export type ColumnEvalSetField = components["schemas"]["ColumnEvalSetField"];
export type ExptColumnEvaluator = components["schemas"]["ExptColumnEvaluator"];
export type ExptAggregateResult = components["schemas"]["ExptAggregateResult"];
export type EvaluatorAggregateResult = components["schemas"]["EvaluatorAggregateResult"];
export type EvalTargetRecord = components["schemas"]["EvalTargetRecord"];
export type ResultsPage = components["schemas"]["BatchGetExperimentResultResponse"];

/** While an experiment runs, its page asks again this often. */
export const LIVE_REFRESH_MS = 2_000;

export interface ExperimentListParams {
  search: string;
  page: number;
  pageSize: number;
}

export function useExperimentList(spaceId: string, params: ExperimentListParams) {
  return useQuery({
    queryKey: queryKeys.experimentList(spaceId, params),
    queryFn: () =>
      unwrap(
        api.POST("/api/evaluation/v1/experiments/list", {
          body: { workspace_id: spaceId, page_number: params.page, page_size: params.pageSize, filter_option: params.search ? { fuzzy_name: params.search } : null },
        }),
      ),
    placeholderData: keepPreviousData,
    // The list follows running experiments' progress until all of them have finished.
    refetchInterval: (query) => (query.state.data?.experiments.some((expt) => isRunning(expt.status)) ? LIVE_REFRESH_MS * 2 : false),
  });
}

/** Experiments by id, in the order asked; refreshed while any of them runs. */
export function useExperiments(spaceId: string, ids: readonly string[]) {
  return useQuery({
    queryKey: queryKeys.experimentBatch(spaceId, ids),
    enabled: ids.length > 0,
    queryFn: async () => {
      const { experiments } = await unwrap(api.POST("/api/evaluation/v1/experiments/batch_get", { body: { workspace_id: spaceId, expt_ids: [...ids] } }));
      return ids.map((id) => experiments.find((expt) => expt.id === id)).filter((expt): expt is Experiment => expt !== undefined);
    },
    refetchInterval: (query) => (query.state.data?.some((expt) => isRunning(expt.status)) ? LIVE_REFRESH_MS : false),
  });
}

export interface ResultsParams {
  ids: readonly string[];
  baseline: string;
  filters: Record<string, { filters: { filter_conditions: FilterCondition[]; logic_op: number } }>;
  page: number;
  pageSize: number;
  /**
   * Part of the key only: what changes when the experiments make progress (their status and done counts), so the
   * results are asked again as soon as the polled experiments move, and not otherwise.
   */
  revision?: string;
}

/** Item results of one experiment, or of several side by side on the baseline's items (a comparison). */
export function useExperimentResults(spaceId: string, params: ResultsParams, live: boolean) {
  return useQuery({
    queryKey: queryKeys.experimentResults(spaceId, params),
    enabled: params.ids.length > 0,
    queryFn: () =>
      unwrap(
        api.POST("/api/evaluation/v1/experiments/results/batch_get", {
          body: {
            workspace_id: spaceId,
            experiment_ids: [...params.ids],
            baseline_experiment_id: params.baseline,
            filters: params.filters,
            page_number: params.page,
            page_size: params.pageSize,
          },
        }),
      ),
    placeholderData: keepPreviousData,
    // Items move from queued to running without the counters moving: a slower poll while it runs shows that too.
    refetchInterval: live ? LIVE_REFRESH_MS * 3 : false,
  });
}

/** `revision`: as in ResultsParams, part of the key so the scores follow the experiments' progress. */
export function useExperimentAggregates(spaceId: string, ids: readonly string[], revision: string) {
  return useQuery({
    queryKey: [...queryKeys.experimentAggregates(spaceId, ids), revision] as const,
    enabled: ids.length > 0,
    queryFn: async () =>
      (await unwrap(api.POST("/api/evaluation/v1/experiments/aggr_results/batch_get", { body: { workspace_id: spaceId, experiment_ids: [...ids] } }))).expt_aggregate_result,
    placeholderData: keepPreviousData,
  });
}

export interface SubmitExperimentInput {
  name: string;
  desc: string;
  evalSetId: string;
  /** "" runs on the set's draft (its live items). */
  evalSetVersionId: string;
  /** null = no target: the evaluators judge the set's own columns. */
  target: { promptId: string; version: string } | null;
  targetFieldMapping: { from_eval_set: FieldMapping[] };
  evaluatorVersionIds: string[];
  evaluatorFieldMapping: EvaluatorFieldMapping[];
  itemConcurrency: number;
}

/** Upstream's EvalTargetType of a prompt version. */
export const TARGET_TYPE_PROMPT = 2;

export function useSubmitExperiment(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SubmitExperimentInput) =>
      unwrap(
        api.POST("/api/evaluation/v1/experiments/submit", {
          body: {
            workspace_id: spaceId,
            name: input.name,
            desc: input.desc,
            eval_set_id: input.evalSetId,
            eval_set_version_id: input.evalSetVersionId || null,
            create_eval_target_param: input.target
              ? { source_target_id: input.target.promptId, source_target_version: input.target.version, eval_target_type: TARGET_TYPE_PROMPT }
              : null,
            target_field_mapping: input.target ? input.targetFieldMapping : null,
            evaluator_version_ids: input.evaluatorVersionIds,
            evaluator_field_mapping: input.evaluatorFieldMapping,
            item_concur_num: input.itemConcurrency,
            enable_weighted_score: false,
            evaluator_id_version_list: [],
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.experiments(spaceId) }),
  });
}

export function useCheckExperimentName(spaceId: string) {
  return useMutation({
    mutationFn: async (name: string) => {
      const result = await unwrap(api.POST("/api/evaluation/v1/experiments/check_name", { body: { workspace_id: spaceId, name } }));
      // `pass` is the wire name (a Python keyword on the server).
      const answer = result as unknown as { pass?: boolean; message?: string };
      return { pass: answer.pass !== false, message: answer.message ?? "" };
    },
  });
}

function useExperimentAction<TVariables, TResult>(spaceId: string, run: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.experiments(spaceId) }),
  });
}

export function useKillExperiment(spaceId: string) {
  return useExperimentAction(spaceId, (exptId: string) =>
    unwrap(api.POST("/api/evaluation/v1/experiments/{expt_id}/kill", { params: { path: { expt_id: exptId }, query: workspaceQuery(spaceId) } })),
  );
}

/** Upstream's RetryMode: 2 runs the failed (and terminated) items again. */
export const RETRY_FAILURE = 2;

export function useRetryExperiment(spaceId: string) {
  return useExperimentAction(spaceId, (exptId: string) =>
    unwrap(
      api.POST("/api/evaluation/v1/experiments/{expt_id}/retry", {
        params: { path: { expt_id: exptId } },
        body: { workspace_id: spaceId, retry_mode: RETRY_FAILURE, item_ids: [] },
      }),
    ),
  );
}

export function useCloneExperiment(spaceId: string) {
  return useExperimentAction(spaceId, async (exptId: string) =>
    (await unwrap(api.POST("/api/evaluation/v1/experiments/{expt_id}/clone", { params: { path: { expt_id: exptId }, query: workspaceQuery(spaceId) } }))).experiment,
  );
}

export function useDeleteExperiment(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (exptId: string) =>
      unwrap(api.DELETE("/api/evaluation/v1/experiments/{expt_id}", { params: { path: { expt_id: exptId }, query: workspaceQuery(spaceId) } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.experiments(spaceId) }),
  });
}

const EXPORT_RUNNING = 1;
const EXPORT_FAILED = 3;

/** Starts the CSV export and waits for its file: resolves with a signed download URL. */
export function useExportExperiment(spaceId: string) {
  return useMutation({
    mutationFn: async (exptId: string) => {
      const { export_id } = await unwrap(
        api.POST("/api/evaluation/v1/experiments/{expt_id}/results/export", { params: { path: { expt_id: exptId } }, body: { workspace_id: spaceId } }),
      );
      for (let attempt = 0; attempt < 60; attempt += 1) {
        const { expt_result_export_records: record } = await unwrap(
          api.POST("/api/evaluation/v1/experiments/{expt_id}/export_records/{export_id}", {
            params: { path: { expt_id: exptId, export_id }, query: workspaceQuery(spaceId) },
          }),
        );
        if (record.csv_export_status === EXPORT_FAILED) throw new Error(record.error || "The export failed. Try again.");
        if (record.csv_export_status !== EXPORT_RUNNING && record.URL) return record.URL;
        await new Promise((done) => setTimeout(done, 1_000));
      }
      throw new Error("The export is taking longer than a minute. Try again in a moment.");
    },
  });
}

// --- reading a turn's payload (the server sends its parts as loose JSON) ---------------------------------

export interface EvalSetCell {
  key: string;
  name: string;
  content: Content | null;
}

export interface TurnView {
  turnId: string;
  cells: EvalSetCell[];
  target: EvalTargetRecord | null;
  /** evaluator_version_id → record. */
  records: Record<string, EvaluatorRecord>;
  weightedScore: number | null;
  state: number;
  error: string | null;
}

interface LooseTurn {
  id?: unknown;
  field_data_list?: { key?: string; name?: string; content?: Content }[];
}

/** One experiment's result for a turn, as typed values; null when the experiment has no row for the item. */
export function readTurn(result: ExperimentResult | undefined): TurnView | null {
  const payload = result?.payload;
  if (!payload) return null;
  const turn = ((payload.eval_set ?? {}) as { turn?: LooseTurn }).turn;
  const evaluatorOutput = (payload.evaluator_output ?? {}) as { evaluator_records?: Record<string, EvaluatorRecord>; weighted_score?: number | null };
  return {
    turnId: payload.turn_id,
    cells: (turn?.field_data_list ?? []).map((field) => ({ key: field.key ?? field.name ?? "", name: field.name ?? field.key ?? "", content: field.content ?? null })),
    target: payload.target_output?.eval_target_record ?? null,
    records: evaluatorOutput.evaluator_records ?? {},
    weightedScore: typeof evaluatorOutput.weighted_score === "number" ? evaluatorOutput.weighted_score : null,
    state: payload.system_info.turn_run_state,
    error: payload.system_info.error?.message ?? null,
  };
}

/** The target's answer for a turn ("" when there is none). */
export function actualOutput(turn: TurnView | null): Content | null {
  return turn?.target?.eval_target_output_data?.output_fields?.actual_output ?? null;
}

export function targetError(turn: TurnView | null): string | null {
  return turn?.target?.eval_target_output_data?.eval_target_run_error?.message ?? null;
}

/** The prompt an experiment runs, from its loose eval_target. */
export function experimentPrompt(expt: Experiment): { promptId: string; name: string; key: string; version: string } | null {
  const prompt = (expt.eval_target as { eval_target_version?: { eval_target_content?: { prompt?: { prompt_id?: string; name?: string; prompt_key?: string; version?: string } } } } | null)
    ?.eval_target_version?.eval_target_content?.prompt;
  if (!prompt?.prompt_id) return null;
  return { promptId: prompt.prompt_id, name: prompt.name ?? "", key: prompt.prompt_key ?? "", version: prompt.version ?? "" };
}

/** The evaluation set (and version) an experiment runs over, from its loose eval_set. */
export function experimentEvalSet(expt: Experiment): { id: string; name: string; version: string } {
  const set = expt.eval_set as { id?: string; name?: string; evaluation_set_version?: { version?: string } };
  return { id: set.id ?? expt.eval_set_id, name: set.name ?? "", version: set.evaluation_set_version?.version ?? "" };
}

/** Prompts with at least one committed version (a target runs a version), newest first. */
export function useCommittedPrompts(spaceId: string) {
  return useQuery({
    queryKey: [...queryKeys.prompts(spaceId), "committed"] as const,
    queryFn: async () =>
      (
        await unwrap(
          api.POST("/api/prompt/v1/prompts/list", {
            body: { workspace_id: spaceId, page_num: 1, page_size: 100, order_by: "committed_at", asc: false, committed_only: true, key_word: null, created_bys: null },
          }),
        )
      ).prompts,
  });
}
