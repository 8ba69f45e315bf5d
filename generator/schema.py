# JSON Schema of the data format, generated from the model. Committed in schema/
# (editors read it through the `# yaml-language-server: $schema=` line of each
# data file), published on the site, and tested to be current.
from __future__ import annotations

import json

from pydantic import BaseModel

from . import model as m

SCHEMAS: dict[str, type[BaseModel]] = {
    "document.schema.json": m.Document,
    "organisations.schema.json": m.OrganisationsFile,
    "themes.schema.json": m.ThemesFile,
    "municipalities.schema.json": m.MunicipalitiesFile,
}


def render_schemas() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for name, model_cls in SCHEMAS.items():
        schema = model_cls.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = name
        out[name] = (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True)
                     + "\n").encode("utf-8")
    return out
