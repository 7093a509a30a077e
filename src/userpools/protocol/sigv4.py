"""The SigV4 ``Authorization`` header: the region of its credential scope.

Nothing here verifies a signature; that is a separate concern.
"""

from __future__ import annotations

import re

_ALGORITHM = "AWS4-HMAC-SHA256 "
_REGION = re.compile(r"[a-z0-9-]{1,32}")
# Longer headers are not well-formed SigV4 and are not parsed.
_MAX_HEADER = 8192


def region_from_authorization(header: str | None) -> str | None:
    """The region in ``Credential=<key>/<date>/<region>/<service>/aws4_request``, if any."""
    if header is None or len(header) > _MAX_HEADER or not header.startswith(_ALGORITHM):
        return None
    for part in header[len(_ALGORITHM) :].split(","):
        name, _, value = part.strip().partition("=")
        if name != "Credential":
            continue
        scope = value.split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            return None
        region = scope[2]
        return region if _REGION.fullmatch(region) else None
    return None
