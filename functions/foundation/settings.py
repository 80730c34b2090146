from pydantic import Field

from shared.settings import AuthSettings, StorageSettings

# Lambda takes at most 6 MB per request, and API Gateway base64-encodes binary bodies (4/3 larger).
DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 * 1024
# Presigned uploads go straight to S3, so only S3's own limit for a POST (5 GB) applies; imports need room.
DEFAULT_MAX_PRESIGNED_UPLOAD_BYTES = 512 * 1024 * 1024


class FoundationSettings(AuthSettings, StorageSettings):
    registration_enabled: bool = True
    max_upload_bytes: int = Field(default=DEFAULT_MAX_UPLOAD_BYTES, ge=1024)
    max_presigned_upload_bytes: int = Field(default=DEFAULT_MAX_PRESIGNED_UPLOAD_BYTES, ge=1024)
