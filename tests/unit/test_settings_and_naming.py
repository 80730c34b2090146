import pytest
from pydantic import ValidationError

from shared.dynamo import physical_table_name
from shared.resources import TABLES
from shared.routes import FUNCTIONS, parse_route_key
from shared.settings import LoopSettings, StorageSettings, get_settings, resource_prefix


def test_resource_names_follow_the_stage() -> None:
    assert resource_prefix("prod") == "loop-prod"
    assert physical_table_name("loop-prod", "users") == "loop-prod-users"
    assert {model.Meta.table_name for model in TABLES} == {f"loop-dev-{model.Meta.logical_name}" for model in TABLES}


@pytest.mark.usefixtures("fresh_settings")
def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOP_STAGE", "qa")
    monkeypatch.setenv("LOOP_FILES_BUCKET", "my-bucket")
    assert get_settings(LoopSettings).resource_prefix == "loop-qa"
    assert get_settings(StorageSettings).files_bucket_name == "my-bucket"
    monkeypatch.setenv("LOOP_STAGE", "Bad Stage")
    with pytest.raises(ValidationError, match="stage"):
        LoopSettings()


def test_route_keys_parse_like_api_gateway() -> None:
    assert parse_route_key("ANY /api/foundation/{proxy+}") == ("ANY", "/api/foundation/", True)
    assert parse_route_key("GET /ping") == ("GET", "/ping", False)
    keys = [key for function in FUNCTIONS for key in function.route_keys]
    assert len(keys) == len(set(keys)), "two functions claim the same route"
