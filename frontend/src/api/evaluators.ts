import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "../client/schema";
import { api } from "./client";
import { unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export type Evaluator = components["schemas"]["Evaluator"];
export type EvaluatorVersion = components["schemas"]["EvaluatorVersion-Output"];
export type EvaluatorContent = components["schemas"]["EvaluatorContent-Input"];
export type EvaluatorContentOut = components["schemas"]["EvaluatorContent-Output"];
export type PromptEvaluator = components["schemas"]["PromptEvaluator-Input"];
export type JudgeMessage = components["schemas"]["Message-Input"];
export type JudgeModelConfig = NonNullable<PromptEvaluator["model_config"]>;
export type CodeEvaluator = components["schemas"]["CodeEvaluator"];
export type EvaluatorInputData = components["schemas"]["EvaluatorInputData-Input"];
export type EvaluatorOutputData = components["schemas"]["EvaluatorOutputData"];
export type EvaluatorRecord = components["schemas"]["EvaluatorRecord"];
export type ModelView = components["schemas"]["ModelView"];

/** Upstream's EvaluatorType: 1 an LLM judge (Prompt), 2 Code. */
export const EVALUATOR_TYPE = { prompt: 1, code: 2 } as const;
export type EvaluatorKind = (typeof EVALUATOR_TYPE)[keyof typeof EVALUATOR_TYPE];
/** Upstream's Role of a judge message. */
export const JUDGE_ROLE = { system: 1, user: 2, assistant: 3 } as const;

export function evaluatorTypeLabel(type: number | null | undefined): string {
  return type === EVALUATOR_TYPE.prompt ? "LLM judge" : type === EVALUATOR_TYPE.code ? "Code" : "Other";
}

/**
 * The evaluation API's GET and DELETE routes read workspace_id from the query, which their generated types do not
 * declare (the workspace dependency reads the request itself): pass it through openapi-fetch's query params.
 */
export function workspaceQuery(spaceId: string): never {
  return { workspace_id: spaceId } as never;
}

export interface EvaluatorListParams {
  search: string;
  type: EvaluatorKind | null;
  page: number;
  pageSize: number;
}

export function useEvaluatorList(spaceId: string, params: EvaluatorListParams) {
  return useQuery({
    queryKey: queryKeys.evaluatorList(spaceId, params),
    queryFn: () =>
      unwrap(
        api.POST("/api/evaluation/v1/evaluators/list", {
          body: {
            workspace_id: spaceId,
            search_name: params.search || null,
            evaluator_type: params.type ? [params.type] : null,
            with_version: true,
            page_number: params.page,
            page_size: params.pageSize,
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useEvaluator(spaceId: string, evaluatorId: string) {
  return useQuery({
    queryKey: queryKeys.evaluator(spaceId, evaluatorId),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/evaluation/v1/evaluators/{evaluator_id}", {
            params: { path: { evaluator_id: evaluatorId }, query: workspaceQuery(spaceId) },
          }),
        )
      ).evaluator,
    // The editor holds the draft in its own state; a refetch on focus would not change what is on screen.
    refetchOnWindowFocus: false,
  });
}

export function useEvaluatorVersions(spaceId: string, evaluatorId: string | null) {
  return useQuery({
    queryKey: queryKeys.evaluatorVersions(spaceId, evaluatorId ?? ""),
    enabled: !!evaluatorId,
    queryFn: async () =>
      (
        await unwrap(
          api.POST("/api/evaluation/v1/evaluators/{evaluator_id}/versions/list", {
            params: { path: { evaluator_id: evaluatorId ?? "" } },
            body: { workspace_id: spaceId, page_size: 200, page_number: 1 },
          }),
        )
      ).evaluator_versions,
  });
}

export interface NewEvaluatorInput {
  name: string;
  description: string;
  type: EvaluatorKind;
  content: EvaluatorContent;
  /** Submitted as the first version at once, when given. */
  version?: { version: string; description: string };
}

export function useCreateEvaluator(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    // As upstream's console: the first version rides on the create request, so the server submits it at once.
    mutationFn: async ({ name, description, type, content, version }: NewEvaluatorInput) =>
      (
        await unwrap(
          api.POST("/api/evaluation/v1/evaluators", {
            body: {
              workspace_id: spaceId,
              evaluator: {
                name,
                description,
                evaluator_type: type,
                current_version: { evaluator_content: content, ...(version ? { version: version.version, description: version.description } : {}) },
              },
            },
          }),
        )
      ).evaluator_id,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.evaluators(spaceId) }),
  });
}

export function useUpdateEvaluator(spaceId: string, evaluatorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string; description?: string }) =>
      unwrap(api.PATCH("/api/evaluation/v1/evaluators/{evaluator_id}", { params: { path: { evaluator_id: evaluatorId } }, body: { workspace_id: spaceId, ...body } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.evaluators(spaceId) }),
  });
}

async function saveDraft(spaceId: string, evaluatorId: string, type: EvaluatorKind, content: EvaluatorContent) {
  return unwrap(
    api.PATCH("/api/evaluation/v1/evaluators/{evaluator_id}/update_draft", {
      params: { path: { evaluator_id: evaluatorId } },
      body: { workspace_id: spaceId, evaluator_type: type, evaluator_content: content },
    }),
  );
}

export function useSaveEvaluatorDraft(spaceId: string, evaluatorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ type, content }: { type: EvaluatorKind; content: EvaluatorContent }) => saveDraft(spaceId, evaluatorId, type, content),
    onSuccess: (result) => queryClient.setQueryData(queryKeys.evaluator(spaceId, evaluatorId), result.evaluator),
  });
}

export interface SubmitVersionInput {
  version: string;
  description: string;
  /** The editor's unsaved draft: saved first (the server freezes the saved draft). */
  unsaved?: { type: EvaluatorKind; content: EvaluatorContent };
}

export function useSubmitEvaluatorVersion(spaceId: string, evaluatorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ version, description, unsaved }: SubmitVersionInput) => {
      if (unsaved) await saveDraft(spaceId, evaluatorId, unsaved.type, unsaved.content);
      return unwrap(
        api.POST("/api/evaluation/v1/evaluators/{evaluator_id}/submit_version", {
          params: { path: { evaluator_id: evaluatorId } },
          body: { workspace_id: spaceId, version, description },
        }),
      );
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluator(spaceId, evaluatorId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluatorVersions(spaceId, evaluatorId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.evaluators(spaceId) });
    },
  });
}

export function useDeleteEvaluator(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (evaluatorId: string) =>
      unwrap(api.DELETE("/api/evaluation/v1/evaluators/{evaluator_id}", { params: { path: { evaluator_id: evaluatorId }, query: workspaceQuery(spaceId) } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.evaluators(spaceId) }),
  });
}

export type EvaluatorTemplate = components["schemas"]["TemplateView"];

/**
 * The built-in templates of a type: 14 LLM judges (1) or 6 code evaluators (2), with their names, descriptions
 * and contents (upstream's template list; /evaluators/list_template has the contents only).
 */
export function useEvaluatorTemplates(type: EvaluatorKind) {
  return useQuery({
    queryKey: queryKeys.evaluatorTemplates(type),
    queryFn: async () =>
      (await unwrap(api.POST("/api/evaluation/v1/evaluator_template/list", { body: { evaluator_type: type, page_size: 200, page_number: 1 } }))).evaluator_templates,
    staleTime: 30 * 60_000,
  });
}

export function useDebugEvaluator(spaceId: string) {
  return useMutation({
    mutationFn: async ({ type, content, input }: { type: EvaluatorKind; content: EvaluatorContent; input: EvaluatorInputData }) =>
      (
        await unwrap(
          api.POST("/api/evaluation/v1/evaluators/debug", {
            body: { workspace_id: spaceId, evaluator_type: type, evaluator_content: content, input_data: input },
          }),
        )
      ).evaluator_output_data,
  });
}

/** Models that can judge (the evaluator scenario of the model config). */
export function useJudgeModels(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.judgeModels(spaceId),
    queryFn: async () => (await unwrap(api.POST("/api/llm/v1/models/list", { body: { workspace_id: spaceId, scenario: "evaluator", page_size: 100 } }))).models,
    staleTime: 5 * 60_000,
  });
}

/** Every evaluator of the workspace with its latest version (for the experiment wizard's picker). */
export function useAllEvaluators(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.evaluatorList(spaceId, "all"),
    queryFn: async () =>
      (await unwrap(api.POST("/api/evaluation/v1/evaluators/list", { body: { workspace_id: spaceId, with_version: true, page_number: 1, page_size: 200 } }))).evaluators,
  });
}

/** A person's score for one record (an experiment's aggregates are recalculated by the server). */
export function useCorrectRecord(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ recordId, score, explain }: { recordId: string; score: number; explain: string }) =>
      unwrap(
        api.PATCH("/api/evaluation/v1/evaluator_records/{evaluator_record_id}", {
          params: { path: { evaluator_record_id: recordId } },
          body: { workspace_id: spaceId, correction: { score, explain } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.experiments(spaceId) }),
  });
}

export const SEMVER = /^\d+\.\d+\.\d+$/;
