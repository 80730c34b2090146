"""What the infra tests share: the stage they synthesise and the context `cdk synth` would use."""

import json
from typing import Any

from infra_cdk.app import REPO_ROOT

STAGE = "test"


def cdk_json_context() -> dict[str, Any]:
    """The feature flags `cdk synth` uses, so the tests synthesise what the CLI would."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return context
