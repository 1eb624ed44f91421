"""Maps the repository's top-level folders onto the ``crossdock.*`` import names.

pyproject.toml holds the metadata; this file only computes ``packages`` and ``package_dir``, which
setuptools cannot discover by itself when folder names differ from import names (``core/`` is
``crossdock.core``).  Folders without ``__init__.py`` (YAML mappings, X12 maps) are included as
namespace packages so their data files ship with the wheel and resolve in editable installs.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

ROOT = Path(__file__).parent
FOLDERS = ("core", "connectors", "edi", "mappings", "config", "runtime")

packages: list[str] = []
package_dir: dict[str, str] = {}
for folder in FOLDERS:
    name = f"crossdock.{folder}"
    package_dir[name] = folder
    packages.append(name)
    packages += [
        f"{name}.{sub}"
        for sub in find_namespace_packages(str(ROOT / folder), exclude=["*__pycache__*"])
    ]

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={name: ["*.yaml", "*.yml", "*.xml", "*.json", "*.csv", "*.jsonl", "*.sql", "*.x12", "*.edi", "*.txt"] for name in packages},
    include_package_data=True,
)
