"""Copy the installed botocore's ``cognito-idp`` model into the package (``protocol/``).

userpools serves the model it ships, not the installed botocore's (``protocol/model.py``).
After bumping the ``botocore`` pin of the ``test`` extra (and ``constraints.txt``), install
it and run ``python tools/update_model.py``, then ``python tools/gen_shapes.py`` and
``python tools/gen_operations_doc.py``; tests/protocol/test_model.py fails until the shipped
files equal the pinned botocore's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import botocore
import botocore.session

from userpools.protocol.model import PAGINATORS_FILE, SERVICE_FILE, SERVICE_NAME

PROTOCOL = Path(__file__).resolve().parents[1] / "src" / "userpools" / "protocol"


def botocore_data() -> dict[str, dict[str, Any]]:
    """The installed botocore's model files, by the names the package ships them under."""
    loader = botocore.session.get_session().get_component("data_loader")
    return {
        name: loader.load_service_model(SERVICE_NAME, name.removesuffix(".json"))
        for name in (SERVICE_FILE, PAGINATORS_FILE)
    }


def main() -> None:
    for name, data in botocore_data().items():
        (PROTOCOL / name).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(f"copied the cognito-idp model of botocore {botocore.__version__}\n")


if __name__ == "__main__":
    main()
