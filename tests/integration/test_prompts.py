"""Prompts end to end: written and committed through the console API, then fetched, formatted and executed
by the official `cozeloop` SDK, unchanged, against the local stack."""

import secrets
from collections.abc import Iterator
from typing import Any

import cozeloop
import pytest
from cozeloop.entities.prompt import Message, Role

from tests.support.accounts import Account, create_token
from tests.support.stack import RunningStack

FAKE_MODEL = "1"


def detail(system: str, template_type: str = "normal") -> dict[str, Any]:
    return {
        "prompt_template": {
            "template_type": template_type,
            "messages": [
                {"role": "system", "content": system},
                {"role": "placeholder", "content": "history"},
                {"role": "user", "content": "Question: {{question}} (n={{n}})"},
            ],
            "variable_defs": [
                {"key": "persona", "desc": "", "type": "string"},
                {"key": "question", "desc": "the user's question", "type": "string"},
                {"key": "n", "desc": "", "type": "integer"},
                {"key": "history", "desc": "", "type": "placeholder"},
            ],
        },
        "model_config": {"model_id": FAKE_MODEL, "temperature": 0.2, "max_tokens": 200},
    }


def create_prompt(account: Account, key: str, body: dict[str, Any]) -> str:
    response = account.client.post(
        "/api/prompt/v1/prompts",
        json={"workspace_id": account.workspace_id, "prompt_name": key, "prompt_key": key, "draft_detail": body},
    )
    assert response.status_code == 200, response.text
    prompt_id: str = response.json()["prompt_id"]
    return prompt_id


def save_and_commit(account: Account, prompt_id: str, body: dict[str, Any], version: str, labels: list[str]) -> None:
    saved = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": body}}
    )
    assert saved.status_code == 200, saved.text
    committed = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/commit", json={"commit_version": version, "label_keys": labels}
    )
    assert committed.status_code == 200, committed.text


@pytest.fixture(scope="module")
def published(stack: RunningStack) -> Iterator[tuple[Account, str, cozeloop.Client]]:
    """A prompt with 1.0.0 labelled production and 1.1.0 as the latest, and an SDK client for its workspace."""
    from tests.support.accounts import register

    account = register(stack.base_url)
    key = f"demo.{secrets.token_hex(3)}"
    prompt_id = create_prompt(account, key, detail("You are {{persona}}. Undefined stays: {{not_defined}}."))
    save_and_commit(
        account, prompt_id, detail("You are {{persona}}. Undefined stays: {{not_defined}}."), "1.0.0", ["production"]
    )
    save_and_commit(account, prompt_id, detail("You are {{persona}}, version two."), "1.1.0", [])
    client = cozeloop.new_client(
        api_base_url=stack.base_url, workspace_id=account.workspace_id, api_token=create_token(account)
    )
    yield account, key, client
    client.close()


def test_the_sdk_gets_the_latest_version_by_label_and_by_version(published: tuple[Account, str, Any]) -> None:
    _, key, client = published
    latest = client.get_prompt(key)
    production = client.get_prompt(key, label="production")
    pinned = client.get_prompt(key, version="1.1.0")

    assert (latest.version, production.version, pinned.version) == ("1.1.0", "1.0.0", "1.1.0")
    assert production.prompt_template.template_type.value == "normal"
    assert [v.key for v in production.prompt_template.variable_defs] == ["persona", "question", "n", "history"]
    assert production.llm_config.temperature == 0.2


def test_the_sdk_formats_a_prompt_as_upstream_does(published: tuple[Account, str, Any]) -> None:
    _, key, client = published
    prompt = client.get_prompt(key, label="production")
    messages = client.prompt_format(
        prompt,
        {
            "persona": "a helpful bot",
            "question": "weather in Paris?",
            "n": 3,
            "history": [Message(role=Role.USER, content="hi")],
        },
    )
    assert [(m.role.value, m.content) for m in messages] == [
        ("system", "You are a helpful bot. Undefined stays: {{not_defined}}."),
        ("user", "hi"),
        ("user", "Question: weather in Paris? (n=3)"),
    ]


def test_the_sdk_executes_a_prompt_whole_and_streamed(published: tuple[Account, str, Any]) -> None:
    _, key, client = published
    variables = {"persona": "bot", "question": "weather in Paris?", "n": 3}

    whole = client.execute_prompt(key, label="production", variable_vals=variables)
    streamed = list(client.execute_prompt(key, version="1.0.0", variable_vals=variables, stream=True))

    assert whole.message.content == "Echo: Question: weather in Paris? (n=3)"
    assert whole.finish_reason == "stop" and whole.usage.output_tokens == 6
    assert len(streamed) > 2
    assert "".join(part.message.content or "" for part in streamed) == whole.message.content
    assert streamed[-1].finish_reason == "stop" and streamed[-1].usage.input_tokens > 0


def test_the_sdk_sees_missing_prompts_labels_and_bad_variables_as_errors(published: tuple[Account, str, Any]) -> None:
    from cozeloop.internal.consts.error import RemoteServiceError

    _, key, client = published
    cases = [
        (lambda: client.get_prompt("no.such.prompt"), 600501001, "prompt no.such.prompt not found"),
        (lambda: client.get_prompt(key, label="beta"), 600501007, "label beta is not on any version"),
        (lambda: client.get_prompt(key, version="9.9.9"), 600501002, "has no version 9.9.9"),
        (lambda: client.execute_prompt(key, variable_vals={"n": "three"}), 400, "variable_vals.n"),
    ]
    for call, code, message in cases:
        with pytest.raises(RemoteServiceError, match=message) as raised:
            call()
        assert raised.value.error_code == code


def test_a_model_error_mid_stream_reaches_the_sdk_after_the_first_chunks(published: tuple[Account, str, Any]) -> None:
    _, key, client = published
    received: list[str] = []
    with pytest.raises(Exception, match="mid-stream"):
        for part in client.execute_prompt(key, variable_vals={"question": "[fake-error]", "n": 1}, stream=True):
            received.append(part.message.content or "")
    assert received == ["Echo:"]


def test_versions_must_increase_and_bad_templates_are_refused(stack: RunningStack, account: Account) -> None:
    prompt_id = create_prompt(account, f"p.{secrets.token_hex(3)}", detail("hello"))
    save_and_commit(account, prompt_id, detail("hello"), "1.0.0", [])

    lower = account.client.post(f"/api/prompt/v1/prompts/{prompt_id}/drafts/commit", json={"commit_version": "0.9.0"})
    not_semver = account.client.post(f"/api/prompt/v1/prompts/{prompt_id}/drafts/commit", json={"commit_version": "v2"})
    broken = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": detail("oops {{ }")}}
    )
    unknown_model = detail("hi")
    unknown_model["model_config"]["model_id"] = "999"
    no_model = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": unknown_model}}
    )
    duplicate = account.client.post(
        "/api/prompt/v1/prompts",
        json={"workspace_id": account.workspace_id, "prompt_name": "x", "prompt_key": "x.same"},
    )
    again = account.client.post(
        "/api/prompt/v1/prompts",
        json={"workspace_id": account.workspace_id, "prompt_name": "x", "prompt_key": "x.same"},
    )

    assert lower.status_code == 409 and "must be higher than the latest version 1.0.0" in lower.json()["msg"]
    assert not_semver.status_code == 400 and "commit_version" in not_semver.json()["msg"]
    assert broken.status_code == 400 and "prompt_template.messages[0]" in broken.json()["msg"]
    assert no_model.status_code == 400 and "model 999 is not configured" in no_model.json()["msg"]
    assert duplicate.status_code == 200 and again.status_code == 409
    # Nothing partial: the draft still holds what was last saved successfully
    got = account.client.get(f"/api/prompt/v1/prompts/{prompt_id}", params={"with_draft": "true"}).json()
    assert got["prompt"]["prompt_draft"]["detail"]["prompt_template"]["messages"][0]["content"] == "hello"
    assert got["prompt"]["prompt_basic"]["latest_version"] == "1.0.0"


def test_labels_move_between_versions_and_a_stranger_sees_nothing(stack: RunningStack, account: Account) -> None:
    from tests.support.accounts import register

    prompt_id = create_prompt(account, f"l.{secrets.token_hex(3)}", detail("v1"))
    save_and_commit(account, prompt_id, detail("v1"), "1.0.0", ["beta"])
    save_and_commit(account, prompt_id, detail("v2"), "2.0.0", [])
    moved = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/commits/2.0.0/labels_update", json={"label_keys": ["beta"]}
    )
    commits = account.client.post(f"/api/prompt/v1/prompts/{prompt_id}/commits/list", json={"page_size": 10}).json()
    stranger = register(stack.base_url).client.get(f"/api/prompt/v1/prompts/{prompt_id}")

    assert moved.status_code == 200
    assert [c["version"] for c in commits["prompt_commit_infos"]] == ["2.0.0", "1.0.0"]
    assert commits["commit_version_label_mapping"] == {"2.0.0": [{"key": "beta"}], "1.0.0": []}
    assert stranger.status_code == 404


def test_scripts_manage_prompts_with_a_pat(stack: RunningStack, account: Account) -> None:
    import httpx

    api = httpx.Client(
        base_url=stack.base_url, headers={"Authorization": f"Bearer {create_token(account)}"}, timeout=10
    )
    key = f"script.{secrets.token_hex(3)}"

    created = api.post(
        "/v1/loop/prompts", json={"workspace_id": account.workspace_id, "prompt_name": "S", "prompt_key": key}
    )
    prompt_id = created.json()["prompt_id"]
    saved = api.post(f"/v1/loop/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": detail("hi")}})
    committed = api.post(f"/v1/loop/prompts/{prompt_id}/drafts/commit", json={"commit_version": "0.1.0"})
    listed = api.post("/v1/loop/prompts/list", json={"workspace_id": account.workspace_id, "key_word": key})
    commits = api.post(f"/v1/loop/prompts/{prompt_id}/commits/list", json={"page_size": 5})
    got = api.get(f"/v1/loop/prompts/{prompt_id}", params={"with_commit": "true"})
    deleted = api.delete(f"/v1/loop/prompts/{prompt_id}")
    gone = api.get(f"/v1/loop/prompts/{prompt_id}")
    by_cookie = account.client.post("/v1/loop/prompts/list", json={"workspace_id": account.workspace_id})

    assert created.status_code == saved.status_code == committed.status_code == 200, created.text + committed.text
    assert listed.json()["data"]["total"] == 1 and listed.json()["data"]["prompts"][0]["latest_version"] == "0.1.0"
    assert [c["version"] for c in commits.json()["prompt_commit_infos"]] == ["0.1.0"]
    assert got.json()["prompt"]["prompt_commit"]["commit_info"]["version"] == "0.1.0"
    assert deleted.status_code == 200 and gone.status_code == 404 and gone.json()["code"] == 600501001
    assert by_cookie.status_code == 401  # the SDK routes take a PAT, never the console's cookie


def test_repeated_labels_count_once_and_a_deleted_prompt_frees_its_key(account: Account) -> None:
    key = f"d.{secrets.token_hex(3)}"
    prompt_id = create_prompt(account, key, detail("first"))
    saved = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": detail("first")}}
    )
    twice = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/commit",
        json={"commit_version": "1.0.0", "label_keys": ["production", "production"]},
    )
    moved_twice = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/commits/1.0.0/labels_update", json={"label_keys": ["beta", "beta"]}
    )
    deleted = account.client.delete(f"/api/prompt/v1/prompts/{prompt_id}")
    draft_after = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": detail("late")}}
    )
    reused = create_prompt(account, key, detail("second"))

    assert saved.status_code == twice.status_code == moved_twice.status_code == 200, twice.text + moved_twice.text
    assert deleted.status_code == 200 and draft_after.status_code == 404
    assert reused != prompt_id
    got = account.client.get(f"/api/prompt/v1/prompts/{reused}", params={"with_draft": "true"}).json()["prompt"]
    assert got["prompt_basic"]["latest_version"] == "" and got["prompt_key"] == key


def test_a_jinja2_prompt_formats_in_the_sdk_and_executes_on_the_server_alike(
    stack: RunningStack, account: Account
) -> None:
    key = f"j2.{secrets.token_hex(3)}"
    body = {
        "prompt_template": {
            "template_type": "jinja2",
            "messages": [{"role": "user", "content": "{% for i in items %}- {{ i }}\n{% endfor %}total={{ n + 1 }}"}],
            "variable_defs": [
                {"key": "items", "desc": "", "type": "array<string>"},
                {"key": "n", "desc": "", "type": "integer"},
            ],
        },
        "model_config": {"model_id": FAKE_MODEL},
    }
    prompt_id = create_prompt(account, key, body)
    save_and_commit(account, prompt_id, body, "1.0.0", [])
    client = cozeloop.new_client(
        api_base_url=stack.base_url, workspace_id=account.workspace_id, api_token=create_token(account)
    )
    try:
        variables = {"items": ["a", "b"], "n": 1}
        formatted = client.prompt_format(client.get_prompt(key), variables)
        executed = client.execute_prompt(key, variable_vals=variables)
    finally:
        client.close()

    assert [m.content for m in formatted] == ["- a\n- b\ntotal=2"]
    assert executed.message.content == "Echo: - a\n- b\ntotal=2"


def test_a_prompt_over_the_size_limit_is_refused_and_nothing_is_saved(account: Account) -> None:
    prompt_id = create_prompt(account, f"big.{secrets.token_hex(3)}", detail("small"))
    huge = detail("x" * 190_000)
    huge["prompt_template"]["messages"][2]["content"] = "y" * 190_000

    too_big = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": huge}}
    )
    one_message_too_long = account.client.post(
        f"/api/prompt/v1/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": detail("z" * 200_001)}}
    )
    draft = account.client.get(f"/api/prompt/v1/prompts/{prompt_id}", params={"with_draft": "true"}).json()["prompt"]

    assert too_big.status_code == 413 and "the limit is 300000 bytes" in too_big.json()["msg"]
    assert one_message_too_long.status_code == 400 and "content" in one_message_too_long.json()["msg"]
    assert draft["prompt_draft"]["detail"]["prompt_template"]["messages"][0]["content"] == "small"


def test_the_openapi_list_pages_by_its_own_page_size_up_to_200(stack: RunningStack, account: Account) -> None:
    import httpx

    # Given 3 prompts, listed by a script with a PAT, 2 per page
    api = httpx.Client(
        base_url=stack.base_url, headers={"Authorization": f"Bearer {create_token(account)}"}, timeout=10
    )
    tag = secrets.token_hex(3)
    for index in range(3):
        create_prompt(account, f"page{index}.{tag}", detail("x"))

    def page(number: int, size: int) -> list[str]:
        body = {"workspace_id": account.workspace_id, "key_word": tag, "page_number": number, "page_size": size}
        response = api.post("/v1/loop/prompts/list", json=body)
        assert response.status_code == 200, response.text
        return [prompt["prompt_key"] for prompt in response.json()["data"]["prompts"]]

    # Then pages follow the requested size, and a size over the console's 100 is accepted
    first, second = page(1, 2), page(2, 2)
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert len(page(1, 150)) == 3
