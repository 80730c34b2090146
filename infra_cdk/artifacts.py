"""Where `layers/build.py` put the Lambda code; checked before anything is synthesised."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layers.build import common_layer_dir, function_dir


class MissingBuildError(Exception):
    pass


@dataclass(frozen=True)
class BuildArtifacts:
    root: Path

    @property
    def common_layer_dir(self) -> Path:
        return common_layer_dir(self.root)

    def function_dir(self, module: str) -> Path:
        return function_dir(self.root, module)

    def require(self, modules: Iterable[str]) -> "BuildArtifacts":
        """Raises MissingBuildError, telling how to build, unless the layer and every module's code exist."""
        expected = [self.common_layer_dir / "python" / "shared"]
        expected += [self.function_dir(module) / "functions" / module / "handler.py" for module in modules]
        missing = [path for path in expected if not path.exists()]
        if missing:
            raise MissingBuildError(
                f"the Lambda build in {self.root} is missing or out of date ({missing[0]} does not exist); "
                "run `make layers` (python layers/build.py) first"
            )
        return self
