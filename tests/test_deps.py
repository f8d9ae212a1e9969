"""dvc.yaml lists exactly what each stage reads, so DVC reruns a stage when, and only when,
something it reads changes. What a stage reads is, by this project's rule:
- the Python modules its `python -m` command runs, followed through their imports (package
  `__init__.py` files too, unless they hold nothing but a docstring and imports), or the Node
  script its `node` command runs;
- the project files those modules and scripts name by path from the repository's root
  (`REPO / "web/tools/predict-batch.mjs"`, `'web/src/index.html'`), and the JavaScript modules the
  JavaScript among them imports;
- web/package-lock.json, for a stage that runs Node (it pins the npm packages Node loads);
- the paths in its command that it does not write (its inputs).
Shared code is listed by folder: a stage that imports any module of a `digits/` subpackage
lists the subpackage (`digits/core`), and the page's sources are one folder (`web/src`).
"""

import ast
import re
import shlex
import shutil
from functools import partial
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

JS_IMPORT = re.compile(r"""^\s*import\s.*?['"](\.{1,2}/[^'"]+)['"]""", re.M)
JS_STRING = re.compile(r"""['"]([\w./-]+/[\w.-]+)['"]""")
NPM_LOCKFILE = "web/package-lock.json"
FOLDERS = re.compile(r"^(digits/[^/]+|web/src)/.*")  # listed as one dep each


def _module_file(root: Path, dotted: str) -> Path | None:
    path = root.joinpath(*dotted.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _runs_only_imports(path: Path) -> bool:
    """A package's `__init__.py` that holds only a docstring and imports: what it imports is
    listed, it adds nothing of its own."""
    return all(isinstance(node, ast.Import | ast.ImportFrom)
               or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
               for node in ast.parse(path.read_text()).body)


def _imported_modules(root: Path, path: Path) -> set[str]:
    """Dotted names of everything `path` imports (that may be a project module)."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _project_file(root: Path, name: str) -> Path | None:
    """root/name if `name` is a path to a file inside the repository (not a sentence naming
    one, not a path that climbs out of it)."""
    if "/" not in name or name.split() != [name] or ".." in Path(name).parts:
        return None
    return root / name if (root / name).is_file() else None


def _named_files(root: Path, path: Path) -> set[Path]:
    """Project files that a Python module names by a path literal relative to the repo."""
    literals = [node.value for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return {file for file in map(partial(_project_file, root), literals) if file}


def _js_imports(root: Path, path: Path) -> set[Path]:
    """The JavaScript modules a script imports, and the project files it names by path."""
    text = path.read_text()
    named = {file for file in map(partial(_project_file, root), JS_STRING.findall(text)) if file}
    return {(path.parent / spec).resolve() for spec in JS_IMPORT.findall(text)} | named


def files_read(root: Path, module: str | None, script: str | None = None) -> set[str]:
    """Repo-relative paths of the code and files that `python -m <module>` (or `node
    <script>`) reads."""
    python, files, queue = set(), set(), [module] if module else []
    if script:
        files.add(root / script)
    while queue:
        dotted = queue.pop()
        parts = dotted.split(".")
        for depth in range(1, len(parts) + 1):  # a.b.c imports a, a.b and a.b.c
            path = _module_file(root, ".".join(parts[:depth]))
            if path is None or path in python:
                continue
            python.add(path)
            queue.extend(_imported_modules(root, path))
            files |= _named_files(root, path)
    scripts = [f for f in files if f.suffix in (".js", ".mjs")]
    while scripts:
        for imported in _js_imports(root, scripts.pop()) - files:
            files.add(imported)
            if imported.suffix in (".js", ".mjs"):
                scripts.append(imported)
    code = {p for p in python if not (p.name == "__init__.py" and _runs_only_imports(p))}
    return {FOLDERS.sub(r"\1", p.relative_to(root).as_posix()) for p in code | files}


def expected_deps(root: Path, stage: dict, all_outs: set[str]) -> set[str]:
    argv = shlex.split(stage["cmd"])
    if argv[0] == "node":
        argv = ["node", "", *argv[1:]]  # node SCRIPT ARGS, aligned with python -m MODULE ARGS
        code = files_read(root, None, argv[2]) | {NPM_LOCKFILE}
    else:
        assert argv[:2] == ["python", "-m"], f"{stage['cmd']}: neither `python -m` nor `node`"
        code = files_read(root, argv[2])
    own_outs = {next(iter(out)) if isinstance(out, dict) else out
                for key in ("outs", "metrics", "plots") for out in stage.get(key, [])}
    # params.yaml (web-build's --params) is read for the keys the stage's `params` lists, which
    # DVC tracks: as a dep, any other param's edit would rerun the stage.
    inputs = {arg for arg in argv[3:] if not arg.startswith("-") and arg not in own_outs
              and arg != "params.yaml" and (arg in all_outs or (root / arg).exists())}
    return code | inputs


def resolved_stages(root: Path) -> dict[str, dict]:
    """dvc.yaml's stages, a `foreach` stage expanded as DVC does (`name@key`, with `${key}` and
    `${item}` filled in)."""
    stages = {}
    for name, stage in yaml.safe_load((root / "dvc.yaml").read_text())["stages"].items():
        if "foreach" not in stage:
            stages[name] = stage
            continue
        for key, item in stage["foreach"].items():
            text = yaml.safe_dump(stage["do"]).replace("${key}", key).replace("${item}", item)
            stages[f"{name}@{key}"] = yaml.safe_load(text)
    return stages


def deps_problems(root: Path) -> dict[str, dict[str, set[str]]]:
    """For each stage whose deps are not exact: what is missing and what is extra."""
    stages = resolved_stages(root)
    all_outs = {next(iter(out)) if isinstance(out, dict) else out
                for stage in stages.values()
                for key in ("outs", "metrics", "plots") for out in stage.get(key, [])}
    problems = {}
    for name, stage in stages.items():
        declared, expected = set(stage.get("deps", [])), expected_deps(root, stage, all_outs)
        if declared != expected:
            problems[name] = {"missing": expected - declared, "extra": declared - expected}
    return problems


def test_every_stage_lists_exactly_what_it_reads():
    assert deps_problems(REPO) == {}


def test_the_apps_drawing_reaches_the_pipeline_only_through_the_drawn_digits():
    """How the apps draw and turn a drawing into the model's input (digits/drawing) shapes the
    digits draw-mnist draws and the drawings draw-nondigits draws, so editing it draws them
    again (and retrains on them if they change); no other stage reads it."""
    readers = [name for name, stage in resolved_stages(REPO).items()
               if "digits/drawing" in stage["deps"]]
    assert readers == ["trace-mnist", "draw-mnist", "draw-nondigits"]


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for name in ("dvc.yaml", "data/exported", "stages", "digits", "tools", "web/tools", "web/src",
                 "web/preprocess.js", "web/package-lock.json"):
        source, target = REPO / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    return tmp_path


def test_a_new_import_without_its_dep_is_caught(project_copy):
    stage = project_copy / "stages" / "evaluate.py"
    stage.write_text("from digits.drawing import rendering\n" + stage.read_text())
    assert deps_problems(project_copy) == {
        "evaluate": {"missing": {"digits/drawing"}, "extra": set()}}


def test_a_new_file_a_module_names_or_a_script_it_imports_is_caught(project_copy):
    (project_copy / "web/tools/helper.mjs").write_text("export const x = 1;\n")
    tool = project_copy / "web/tools/predict-batch.mjs"
    tool.write_text("import { x } from './helper.mjs';\n" + tool.read_text())
    assert deps_problems(project_copy) == {
        f"verify@{runtime}": {"missing": {"web/tools/helper.mjs"}, "extra": set()}
        for runtime in ("tfjs", "tflite")}


def test_a_module_listed_instead_of_its_subpackage_is_caught(project_copy):
    dvc_yaml = yaml.safe_load((project_copy / "dvc.yaml").read_text())
    deps = dvc_yaml["stages"]["collect-kept"]["deps"]
    deps[deps.index("digits/data")] = "digits/data/kept.py"
    (project_copy / "dvc.yaml").write_text(yaml.safe_dump(dvc_yaml))
    assert deps_problems(project_copy) == {
        "collect-kept": {"missing": {"digits/data"}, "extra": {"digits/data/kept.py"}}}


def test_a_dep_nothing_reads_is_caught(project_copy):
    dvc_yaml = yaml.safe_load((project_copy / "dvc.yaml").read_text())
    dvc_yaml["stages"]["download"]["deps"].append("digits/training")
    (project_copy / "dvc.yaml").write_text(yaml.safe_dump(dvc_yaml))
    assert deps_problems(project_copy) == {
        "download": {"missing": set(), "extra": {"digits/training"}}}
