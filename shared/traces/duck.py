"""The DuckDB connection of a process, reading and writing s3:// through the httpfs extension.

DuckDB 1.5's `INSTALL httpfs` would download the extension, so it comes from the `duckdb-extension-httpfs`
wheel and is loaded by path. duckdb is imported here only, and only when a query or a write needs it.
"""

import os
import threading
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from shared.settings import LoopSettings, get_settings

if TYPE_CHECKING:
    import duckdb

_lock = threading.Lock()


def _httpfs_path() -> str:
    import duckdb
    import duckdb_extension_httpfs

    root = os.path.join(os.path.dirname(duckdb_extension_httpfs.__file__), "extensions", f"v{duckdb.__version__}")
    return os.path.join(root, "httpfs.duckdb_extension")


def _credentials() -> Any:
    import boto3

    return boto3.session.Session().get_credentials()


def _configure_s3(connection: "duckdb.DuckDBPyConnection") -> None:
    settings = get_settings(LoopSettings)
    options: dict[str, str] = {"s3_region": settings.aws_region}
    if settings.aws_endpoint_url:
        endpoint = urlparse(settings.aws_endpoint_url)
        options |= {
            "s3_endpoint": endpoint.netloc,
            "s3_use_ssl": str(endpoint.scheme == "https").lower(),
            "s3_url_style": "path",
        }
    credentials = _credentials()
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        options |= {"s3_access_key_id": frozen.access_key, "s3_secret_access_key": frozen.secret_key}
        if frozen.token:
            options["s3_session_token"] = frozen.token
    for name, value in options.items():
        connection.execute(f"SET GLOBAL {name} = '{value}'")


@cache
def _database() -> "duckdb.DuckDBPyConnection":
    import duckdb

    connection = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    connection.execute(f"LOAD '{_httpfs_path()}'")
    _configure_s3(connection)
    # Parquet footers and HTTP metadata are cached across queries of a warm instance.
    connection.execute("SET GLOBAL enable_object_cache = true")
    connection.execute("SET GLOBAL enable_http_metadata_cache = true")
    connection.execute("SET GLOBAL temp_directory = '/tmp/duckdb'")
    return connection


def cursor() -> "duckdb.DuckDBPyConnection":
    """A cursor of the process's database; each thread uses its own."""
    with _lock:
        return _database().cursor()
