"""The package's structure: no import cycles, light modules stay light, no private names
taken across modules. Read from the source (ast), except the import check, which runs."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ganlab"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(tree: ast.AST, importer: str) -> list[tuple[str, list[str]]]:
    """(module, names taken from it) for every ganlab import anywhere in the file, functions too."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name.startswith("ganlab")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ganlab"):
            names = [alias.name for alias in node.names]
            submodules = [f"{node.module}.{name}" for name in names if f"{node.module}.{name}" in MODULES]
            found += [(module, []) for module in submodules]
            found.append((node.module, [name for name in names if f"{node.module}.{name}" not in MODULES]))
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = {module for module, _ in imported(ast.parse(path.read_text()), name)}
        # `import ganlab.x` runs ganlab/__init__.py first; that is Python's order, not a dependency
        graph[name] = {target for target in targets if target in MODULES and target not in (name, "ganlab")}
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target, path + [target])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_find_cycle_finds_one_and_only_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_package_has_no_import_cycles():
    graph = import_graph()
    assert "ganlab.exercises.chapter_02" in graph["ganlab.exercises"]  # the graph sees packages too
    assert find_cycle(graph) is None


def test_the_networks_and_losses_load_neither_the_artwork_nor_pandas():
    """python_avatars draws from Python's random when imported, and both are slow to load.

    TensorFlow 2.21 itself imports pandas, so the check is what ganlab adds to it."""
    script = ("import sys; import tensorflow, keras; before = set(sys.modules); "
              "import ganlab.models, ganlab.losses, ganlab.training; "
              "added = {name.split('.')[0] for name in set(sys.modules) - before}; "
              "print(sorted(added & {'python_avatars', 'pandas'}))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def private_names_taken(path: Path) -> list[str]:
    """`from ganlab.x import _y`, and `x._y` where x is a ganlab module imported by this file."""
    tree = ast.parse(path.read_text())
    taken, aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ganlab"):
            for alias in node.names:
                if alias.name.startswith("_"):
                    taken.append(f"{node.module}.{alias.name}")
                if f"{node.module}.{alias.name}" in MODULES:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            aliases.update({alias.asname: alias.name for alias in node.names
                            if alias.asname and alias.name.startswith("ganlab")})
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name) and node.value.id in aliases):
            taken.append(f"{aliases[node.value.id]}.{node.attr}")
    return taken


def test_no_module_takes_another_modules_private_names():
    taken = {name: names for name, path in MODULES.items() if (names := private_names_taken(path))}
    assert taken == {}


def test_the_private_name_check_sees_both_spellings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from ganlab.models import _secret\nfrom ganlab import models\nmodels._other()\n")
    assert private_names_taken(sample) == ["ganlab.models._secret", "ganlab.models._other"]
