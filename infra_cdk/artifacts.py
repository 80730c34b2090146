"""Where `layers/build.py` put the Lambda code and Vite the console; checked before anything is synthesised."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layers.build import common_layer_dir, function_dir
from layers.llm_layer import llm_layer_dir
from layers.traces_layer import HTTPFS_PACKAGE, traces_layer_dir


class MissingBuildError(Exception):
    pass


@dataclass(frozen=True)
class BuildArtifacts:
    root: Path

    @property
    def common_layer_dir(self) -> Path:
        return common_layer_dir(self.root)

    @property
    def llm_layer_dir(self) -> Path:
        return llm_layer_dir(self.root)

    @property
    def traces_layer_dir(self) -> Path:
        return traces_layer_dir(self.root)

    def function_dir(self, module: str) -> Path:
        return function_dir(self.root, module)

    def require(
        self, modules: Iterable[str], *, llm_layer: bool = False, traces_layer: bool = False, streaming: bool = False
    ) -> "BuildArtifacts":
        """Raises MissingBuildError, telling how to build, unless the layers and every module's code exist."""
        expected = [self.common_layer_dir / "python" / "shared"]
        if streaming:  # the streaming functions run uvicorn from the common layer (a build from before lacks it)
            expected.append(self.common_layer_dir / "python" / "uvicorn" / "__init__.py")
        if llm_layer:
            expected.append(self.llm_layer_dir / "python" / "litellm" / "__init__.py")
        if traces_layer:
            traces = self.traces_layer_dir / "python"
            expected += [traces / "duckdb" / "__init__.py", traces / HTTPFS_PACKAGE / "__init__.py"]
        expected += [self.function_dir(module) / "functions" / module / "handler.py" for module in modules]
        missing = [path for path in expected if not path.exists()]
        if missing:
            raise MissingBuildError(
                f"the Lambda build in {self.root} is missing or out of date ({missing[0]} does not exist); "
                "run `make layers` (python layers/build.py, layers/llm_layer.py and layers/traces_layer.py) first"
            )
        return self


def require_console(console_dir: Path) -> Path:
    """Raises MissingBuildError, telling how to build, unless the console build (an index.html) is in console_dir."""
    if not (console_dir / "index.html").is_file():
        raise MissingBuildError(
            f"the console build in {console_dir} is missing ({console_dir / 'index.html'} does not exist); "
            "run `make console` (npm run build -w frontend) first"
        )
    return console_dir
