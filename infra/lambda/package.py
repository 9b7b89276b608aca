"""Build the transform Lambda's zip: transform.py, telemetry's validation modules and JSON Schemas, fastjsonschema.

    python infra/lambda/package.py dist/transform.zip

Upload it to the bucket/key given to infra/data-platform.yaml (LambdaCodeBucket / LambdaCodeKey).
Nothing Django: the Lambda validates with exactly the code and schemas the app's emit() uses.
"""

import sys
import zipfile
from pathlib import Path

import fastjsonschema

ROOT = Path(__file__).resolve().parents[2]
MODULES = ("__init__.py", "schema_registry.py", "pii.py", "validation.py")


def build(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(Path(__file__).with_name("transform.py"), "transform.py")
        for name in MODULES:
            archive.write(ROOT / "telemetry" / name, f"telemetry/{name}")
        for schema in sorted((ROOT / "telemetry" / "schemas").glob("*/*.json")):
            archive.write(schema, f"telemetry/schemas/{schema.parent.name}/{schema.name}")
        library = Path(fastjsonschema.__file__).parent
        for source in sorted(library.glob("*.py")):
            archive.write(source, f"fastjsonschema/{source.name}")
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "dist/transform.zip")))
