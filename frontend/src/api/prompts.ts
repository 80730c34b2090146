import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "../client/schema";
import { api } from "./client";
import { unwrap } from "./errors";
import { queryKeys } from "./queryKeys";

export type Prompt = components["schemas"]["Prompt"];
export type PromptDetail = components["schemas"]["PromptDetail-Input"];
export type PromptMessage = components["schemas"]["Message"];
export type MessageRole = PromptMessage["role"];
export type VariableDef = components["schemas"]["VariableDef"];
export type VariableType = VariableDef["type"];
export type PromptTool = components["schemas"]["Tool"];
export type ModelConfig = components["schemas"]["ModelConfig-Input"];
export type CommitInfo = components["schemas"]["CommitInfo"];
export type ModelView = components["schemas"]["ModelView"];
export type ParamSchema = components["schemas"]["ParamSchema"];
export type TemplateType = components["schemas"]["PromptTemplate"]["template_type"];

/** A new prompt's draft: one system and one user message, the first model chosen later. */
export function emptyDetail(): PromptDetail {
  return {
    prompt_template: {
      template_type: "normal",
      messages: [
        { role: "system", content: "" },
        { role: "user", content: "" },
      ],
      variable_defs: [],
    },
    tools: [],
    tool_call_config: { tool_choice: "auto" },
    model_config: {},
  };
}

/** The draft the editor starts from: the user's draft, else the latest commit, else an empty one. */
export function startingDetail(prompt: Prompt): PromptDetail {
  const detail = (prompt.prompt_draft?.detail ?? prompt.prompt_commit?.detail) as PromptDetail | undefined;
  if (!detail) return emptyDetail();
  const base = emptyDetail();
  return {
    ...base,
    ...detail,
    prompt_template: { ...base.prompt_template!, ...detail.prompt_template },
    tools: detail.tools ?? [],
    tool_call_config: detail.tool_call_config ?? { tool_choice: "auto" },
    model_config: detail.model_config ?? {},
  };
}

export interface PromptListParams {
  keyWord: string;
  mine: string | null;
  page: number;
  pageSize: number;
}

export function usePromptList(spaceId: string, params: PromptListParams) {
  return useQuery({
    queryKey: queryKeys.promptList(spaceId, params),
    queryFn: () =>
      unwrap(
        api.POST("/api/prompt/v1/prompts/list", {
          body: {
            workspace_id: spaceId,
            key_word: params.keyWord || null,
            created_bys: params.mine ? [params.mine] : null,
            page_num: params.page,
            page_size: params.pageSize,
            order_by: "created_at",
            asc: false,
            committed_only: false,
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useCreatePrompt(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { prompt_name: string; prompt_key: string; prompt_description: string; draft_detail?: PromptDetail }) =>
      unwrap(api.POST("/api/prompt/v1/prompts", { body: { workspace_id: spaceId, prompt_type: "normal", security_level: "L3", ...body } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.prompts(spaceId) }),
  });
}

export function useDeletePrompt(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (promptId: string) => unwrap(api.DELETE("/api/prompt/v1/prompts/{prompt_id}", { params: { path: { prompt_id: promptId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.prompts(spaceId) }),
  });
}

export function useClonePrompt(spaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ promptId, ...body }: { promptId: string; commit_version: string; cloned_prompt_name: string; cloned_prompt_key: string; cloned_prompt_description: string }) =>
      unwrap(api.POST("/api/prompt/v1/prompts/{prompt_id}/clone", { params: { path: { prompt_id: promptId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.prompts(spaceId) }),
  });
}

export function usePrompt(promptId: string) {
  return useQuery({
    queryKey: queryKeys.prompt(promptId),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/prompt/v1/prompts/{prompt_id}", {
            params: { path: { prompt_id: promptId }, query: { with_draft: true, with_commit: true } },
          }),
        )
      ).prompt,
    // The editor holds the draft in its own state; refetching on focus would not change what is on screen.
    refetchOnWindowFocus: false,
  });
}

export function useUpdatePrompt(spaceId: string, promptId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { prompt_name?: string; prompt_description?: string }) =>
      unwrap(api.PUT("/api/prompt/v1/prompts/{prompt_id}", { params: { path: { prompt_id: promptId } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.prompt(promptId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.prompts(spaceId) });
    },
  });
}

async function saveDraft(promptId: string, detail: PromptDetail) {
  return unwrap(api.POST("/api/prompt/v1/prompts/{prompt_id}/drafts/save", { params: { path: { prompt_id: promptId } }, body: { prompt_draft: { detail } } }));
}

export function useSaveDraft(promptId: string) {
  return useMutation({ mutationFn: (detail: PromptDetail) => saveDraft(promptId, detail) });
}

export interface CommitVariables {
  version: string;
  description: string;
  labels: string[];
  /** Labels the user typed that the workspace does not have yet: created first. */
  newLabels: string[];
  /** The editor's unsaved draft: saved first (the server commits the saved draft). */
  unsaved?: PromptDetail;
  /** Called once `unsaved` is saved, even if the commit then fails: the draft on the server is now the editor's. */
  onDraftSaved?: () => void;
}

export function useCommitDraft(spaceId: string, promptId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ version, description, labels, newLabels, unsaved, onDraftSaved }: CommitVariables) => {
      if (unsaved) {
        await saveDraft(promptId, unsaved);
        onDraftSaved?.();
      }
      for (const key of newLabels) await unwrap(api.POST("/api/prompt/v1/labels", { body: { workspace_id: spaceId, label: { key } } }));
      return unwrap(
        api.POST("/api/prompt/v1/prompts/{prompt_id}/drafts/commit", {
          params: { path: { prompt_id: promptId } },
          body: { commit_version: version, commit_description: description, label_keys: labels },
        }),
      );
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.labels(spaceId) });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.prompt(promptId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.prompts(spaceId) });
    },
  });
}

export function useCommits(promptId: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.commits(promptId),
    enabled,
    queryFn: () =>
      unwrap(
        api.POST("/api/prompt/v1/prompts/{prompt_id}/commits/list", {
          params: { path: { prompt_id: promptId } },
          body: { page_size: 100, asc: false, with_commit_detail: true },
        }),
      ),
  });
}

export function useRevertDraft(promptId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: string) =>
      unwrap(
        api.POST("/api/prompt/v1/prompts/{prompt_id}/drafts/revert_from_commit", {
          params: { path: { prompt_id: promptId } },
          body: { commit_version_reverting_from: version },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.prompt(promptId) }),
  });
}

export function useUpdateCommitLabels(spaceId: string, promptId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ version, labels, newLabels }: { version: string; labels: string[]; newLabels: string[] }) => {
      for (const key of newLabels) await unwrap(api.POST("/api/prompt/v1/labels", { body: { workspace_id: spaceId, label: { key } } }));
      return unwrap(
        api.POST("/api/prompt/v1/prompts/{prompt_id}/commits/{commit_version}/labels_update", {
          params: { path: { prompt_id: promptId, commit_version: version } },
          body: { label_keys: labels },
        }),
      );
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.commits(promptId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.labels(spaceId) });
    },
  });
}

export function useLabels(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.labels(spaceId),
    queryFn: async () =>
      (await unwrap(api.POST("/api/prompt/v1/labels/list", { body: { workspace_id: spaceId, page_size: 100, with_prompt_version_mapping: false } }))).labels.map(
        (label) => label.key,
      ),
  });
}

export function useModels(spaceId: string) {
  return useQuery({
    queryKey: queryKeys.models(spaceId),
    queryFn: async () =>
      (await unwrap(api.POST("/api/llm/v1/models/list", { body: { workspace_id: spaceId, scenario: "prompt_debug", page_size: 100 } }))).models,
    staleTime: 5 * 60_000,
  });
}

/** Semver "a.b.c" → "a.b.(c+1)"; no version yet → "0.0.1"; anything else is left for the user to type. */
export function nextPatchVersion(latest: string): string {
  if (!latest) return "0.0.1";
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(latest.trim());
  if (!match) return "";
  return `${match[1]}.${match[2]}.${Number(match[3]) + 1}`;
}

export const PROMPT_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
export const LABEL_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
export const SEMVER_PATTERN = /^\d+\.\d+\.\d+$/;
