"""The report plan: which notebooks run with which parameters, checked before anything executes.

``reports/plan.yaml`` lists entries; an entry with ``for_each: partner`` expands into one run per
partner of the project (so a new project needs no plan edit). Every run's parameters are checked
against the notebook's parameters cell (names, types) and against the data (the entry's ``checker``,
a ``check_parameters(dataset, **params) -> list[str]`` function of the notebook's analytics module).
The file itself is two pydantic models, :class:`Plan` and :class:`PlanEntry` (keys and types); what they
refuse is reported in the plan's own words, with every other problem of the plan. The file is read like
project.yaml (bounded, one encoding: :mod:`clusterix_analytics.data.safe_yaml`), an unknown key is refused
with the key it probably means, and a ``-p`` value or ``--only`` pattern is at most
``$CLUSTERIX_MAX_PARAMETER_CHARS`` characters long.

>>> from clusterix_analytics.reports.plan import slugify
>>> slugify("Région Île-de-France / 2019")
'region-ile-de-france-2019'
"""
from __future__ import annotations

import ast
import importlib
import inspect
import io
import json
import re
import tokenize
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from clusterix_analytics.config import MAX_PARAMETER_CHARS_ENV, NOTEBOOKS_DIR, input_limits
from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.names import country_name
from clusterix_analytics.data.safe_yaml import YamlProblem, beyond_bounds, load_yaml, read_yaml_file
from clusterix_analytics.errors import did_you_mean

_UNSET = object()
# The runner passes the project folder itself; plans never name it.
PROJECT_PARAMETER = "project_dir"


def _partners(ds: Dataset) -> pd.DataFrame:
    """The partners, each with its ``country`` named ({country} in a title or description: "Austria")."""
    partners = ds.partners
    if "country_code" in partners and "country" not in partners:
        partners = partners.assign(country=partners["country_code"].map(country_name))
    return partners


def _phases(ds: Dataset) -> pd.DataFrame:
    return ds.project.phases_frame()


def _indicators(ds: Dataset) -> pd.DataFrame:
    return ds.indicators


# ``for_each: <name>`` → the rows to expand over; each row's columns can be used as {column} in
# the entry's title and parameters.
FOR_EACH: dict[str, Callable[[Dataset], pd.DataFrame]] = {
    "partner": _partners, "phase": _phases, "indicator": _indicators,
}


class PlanEntry(BaseModel):
    """One entry of ``runs``: a notebook with one parameter set, or with one per row of ``for_each``.

    >>> PlanEntry.model_validate({"notebook": "04_partner_profile", "for_each": "partner",
    ...                           "parameters": {"partner": "{partner_id}"}}).parameters
    {'partner': '{partner_id}'}
    """

    # a number where text is expected (title: 2019) is that text, as YAML's author meant
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    notebook: Annotated[str, Field(min_length=1)]   # a file in the notebooks folder, .ipynb optional
    title: str | None = None
    for_each: str | None = None                      # a key of FOR_EACH
    checker: str | None = None                       # package.module:function
    section: str | None = None                       # the index's heading the entry's runs are listed under
    description: str | None = None                   # one line under the run's title on the index ({column}s too)
    # an empty `parameters:` means the notebook's defaults
    parameters: Annotated[dict[str, Any], BeforeValidator(lambda value: value or {})] = Field(default_factory=dict)


ENTRY_KEYS = set(PlanEntry.model_fields)


class Plan(BaseModel):
    """``reports/plan.yaml``: where the notebooks are and the list of entries.

    Each entry is checked as a :class:`PlanEntry` on its own (:func:`check_entry`), so that one bad entry
    does not hide the problems of the others. Any other top-level key is refused.
    """

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    notebooks_dir: str | None = None   # relative to the plan file; default notebooks/
    runs: list


class PlanError(Exception):
    """Every problem found in a plan and its parameter sets (nothing has been run)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__("\n".join([f"{n} problem{'s' if n != 1 else ''} in the report plan:"]
                                   + [f"  {p}" for p in self.problems]))


@dataclass
class Run:
    """One notebook execution with one parameter set."""

    notebook: str
    path: Path
    title: str
    parameters: dict
    slug: str = ""
    checker: str | None = None
    entry: int = 0
    declared: dict = field(default_factory=dict)   # the notebook's parameters cell (declared_parameters)
    from_row: frozenset = frozenset()               # parameters filled from a for_each row ("{partner_id}")
    section: str = ""                               # the index's heading for the run (plan: section)
    description: str = ""                           # the index's line about the run (plan: description)


def slugify(text, max_length: int = 60) -> str:
    """A file-name-safe slug: ASCII letters, digits and hyphens, never empty.

    >>> slugify("../../etc/passwd")
    'etc-passwd'
    >>> slugify("")
    'x'
    """
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9_]+", "-", text).strip("-_")[:max_length].strip("-_")
    return slug or "x"


def run_slug(notebook: str, parameters: dict) -> str:
    """Slug of a run: the notebook name, then each parameter value (plan order).

    >>> run_slug("04_partner_profile", {"partner": "ecoplus"})
    '04_partner_profile-ecoplus'
    """
    parts = [slugify(notebook)] + [slugify(v, 40) for k, v in parameters.items() if k != PROJECT_PARAMETER]
    return "-".join(parts)


def _fill(template, row: dict):
    """Put a for_each row's values into a template: "{partner_id}" alone keeps the value's type."""
    if not isinstance(template, str):
        return template
    whole = re.fullmatch(r"\{(\w+)\}", template)
    if whole and whole.group(1) in row:
        value = row[whole.group(1)]
        return value.item() if hasattr(value, "item") else value
    return template.format_map({k: "" if v is None or v is pd.NA else v for k, v in row.items()})


TYPE_NAMES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict}


def _annotation_types(node: ast.expr | None) -> tuple[type, ...] | None:
    """``int | str`` → (int, str); None when there is no annotation or it is not made of builtin names."""
    if node is None:
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _annotation_types(node.left), _annotation_types(node.right)
        return left + right if left and right else None
    if isinstance(node, ast.Name) and node.id in TYPE_NAMES:
        return (TYPE_NAMES[node.id],)
    if isinstance(node, ast.Constant) and node.value is None:
        return (type(None),)
    return None


def parameters_cell(path: Path) -> str | None:
    """The source of a notebook's cell tagged ``parameters`` (None if it has none), read as JSON.

    Read without nbformat on purpose: importing nbformat costs about a second (jsonschema's format
    checkers), and a snapshot whose runs are all reused must not pay it. nbformat 3 notebooks (worksheets)
    are converted by nbformat as papermill would.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    if nb.get("nbformat", 4) < 4:
        import nbformat

        nb = nbformat.read(path, as_version=4)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in (cell.get("metadata") or {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return None


# A parameter line as papermill's inspector reads one (name, optional annotation, value, optional comment).
_PARAMETER_LINE = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)")


def _comments(source: str) -> dict[int, str]:
    """Line number → the text of the comment on that line (without ``#``)."""
    found = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def declared_parameters(path: Path) -> dict[str, dict]:
    """The parameters cell of a notebook: name → {default, types, help}, in the order of the cell.

    Every top-level assignment of the cell, read with ``ast`` (papermill's line parser skips lines whose
    comment holds quotes or brackets); ``help`` is the comment on the assignment's line, as papermill's
    ``inspect_notebook`` gives it. ``types`` comes from an annotation (``sector_level: int | str = 1``),
    else from the default's type; None means any value fits. A cell that is not plain Python (an IPython
    magic) falls back to papermill's line rule for the names, with no defaults.
    """
    source = parameters_cell(path)
    if source is None:
        return {}
    comments = _comments(source)
    found: dict[str, dict] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        for number, line in enumerate(source.splitlines(), start=1):
            match = _PARAMETER_LINE.match(line)
            if match:
                found.setdefault(match["name"], {"default": None, "types": None, "help": comments.get(number, "")})
        return found
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            node.target if isinstance(node, ast.AnnAssign) else None
        if not isinstance(target, ast.Name) or node.value is None:
            continue
        try:
            default = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            default = None
        types = _annotation_types(getattr(node, "annotation", None))
        if types is None and default is not None:
            types = (type(default),)
        found[target.id] = {"default": default, "types": types, "help": comments.get(node.lineno, "")}
    return found


TYPE_WORDS = {str: "text (str)", int: "a whole number (int)", float: "a number (float)", bool: "true/false (bool)",
              list: "a list", dict: "a mapping", type(None): "None"}


def _widen(types: tuple[type, ...] | None) -> tuple[type, ...] | None:
    """The workbook's convention: a text default like "all" also takes a list (``regions = "all"`` or a list)."""
    if types is None:
        return None
    extra = (list,) if str in types and list not in types else ()
    return types + extra


def type_matches(value, expected) -> bool:
    """Whether a plan value fits a parameter's declared type(s) (an int is a valid float; None always fits)."""
    if expected is None or value is None:
        return True
    if isinstance(expected, type):
        expected = (expected,)
    for kind in _widen(tuple(expected)):
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if kind not in (int, float) and isinstance(value, kind):
            return True
    return False


def describe_types(expected) -> str:
    if isinstance(expected, type):
        expected = (expected,)
    return " or ".join(TYPE_WORDS.get(t, t.__name__) for t in _widen(tuple(expected)))


def coerce_override(raw: str, expected):
    """Turn a ``-p key=value`` string into the parameter's type(s).

    >>> coerce_override("2019", int), coerce_override("2019", str), coerce_override("no", bool)
    (2019, '2019', False)
    >>> coerce_override('["P1", "P2"]', (str,)), coerce_override("ecosystem", (int, str))
    (['P1', 'P2'], 'ecosystem')
    """
    if expected is None or isinstance(expected, type):
        expected = (expected,) if expected else None
    if expected and len(expected) > 1 or expected and str in expected and raw.lstrip().startswith("["):
        # several types (or a list where text is the default): read it as YAML, keep text otherwise
        try:
            value = load_yaml(raw)[0]
        except YamlProblem:
            value = raw
        if type_matches(value, expected):
            return value
        if str in expected:
            return raw
        raise ValueError(f"'{raw}' is not {describe_types(expected)}")
    expected = expected[0] if expected else None
    if expected is str:
        return raw
    if expected is bool:
        lowered = raw.strip().lower()
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
        raise ValueError(f"'{raw}' is not true/false")
    if expected in (int, float):
        try:
            return expected(raw)
        except ValueError:
            raise ValueError(f"'{raw}' is not {describe_types(expected)} (if the notebook also takes text, "
                             f"annotate the parameter in its parameters cell, e.g. `name: int | str = 1`)") from None
    try:
        value = load_yaml(raw)[0]
    except YamlProblem as exc:
        raise ValueError(f"'{raw}' is not {describe_types(expected)} ({exc.message})") from None
    if expected is not None and not type_matches(value, expected):
        raise ValueError(f"'{raw}' is not {describe_types(expected)}")
    return value


def _too_long(option: str, text: str) -> str | None:
    """The problem of a command-line value longer than $CLUSTERIX_MAX_PARAMETER_CHARS, or None."""
    limit = input_limits().parameter_chars
    if len(text) <= limit:
        return None
    return (f"{option} {text[:40]}…: {len(text):,} characters; a value may have at most {limit:,} "
            f"(set ${MAX_PARAMETER_CHARS_ENV} to raise the limit)")


def parse_overrides(pairs: list[str] | None) -> tuple[dict[str, str], list[str]]:
    """``["partner=ecoplus"]`` → ({"partner": "ecoplus"}, problems).

    >>> parse_overrides(["partner=ecoplus", "phase", "title=" + "x" * 5000])[1]  # doctest: +ELLIPSIS
    ['-p phase: expected key=value', '-p title=xxx...…: 5,006 characters; a value may have at most 1,000 (set ...)']
    """
    found, problems = {}, []
    for pair in pairs or []:
        long = _too_long("-p", pair)
        if long:
            problems.append(long)
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            problems.append(f"-p {pair}: expected key=value")
            continue
        bomb = beyond_bounds(value) if value.lstrip()[:1] in ("[", "{") else None   # a list or mapping
        if bomb:
            problems.append(f"-p {pair[:40]}…: {bomb}")
            continue
        found[key.strip()] = value
    return found, problems


def load_checker(spec: str) -> Callable:
    """``"clusterix_analytics.analytics.profile:check_parameters"`` → the function."""
    module_name, _, func_name = spec.partition(":")
    if not func_name:
        raise ValueError(f"checker '{spec}' should look like package.module:function")
    module = importlib.import_module(module_name)
    return getattr(module, func_name)


def call_checker(checker: Callable, dataset: Dataset, parameters: dict) -> list[str]:
    """Call ``check_parameters(dataset, **params)`` with the parameters it accepts."""
    signature = inspect.signature(checker)
    takes_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    passed = {k: v for k, v in parameters.items() if k != PROJECT_PARAMETER
              and (takes_any or k in signature.parameters)}
    return [str(m) for m in checker(dataset, **passed)]


def read_plan(plan_path: Path) -> tuple[Plan | None, list[str]]:
    """The plan file as a :class:`Plan`, or the problems that stop it being read."""
    where = plan_path.name
    if not plan_path.is_file():
        return None, [f"{plan_path}: plan file not found"]
    try:
        raw, _, _ = read_yaml_file(plan_path)
    except YamlProblem as exc:
        return None, [f"{where}{f':{exc.line}' if exc.line else ''}: {exc.message}"]
    try:
        return Plan.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            if error["type"] == "extra_forbidden":
                key = error["loc"][0]
                problems.append(f"{where}: unknown key '{key}'{did_you_mean(key, Plan.model_fields)}; valid keys: "
                                f"{', '.join(Plan.model_fields)}")
            elif error["loc"] == ("notebooks_dir",):
                problems.append(f"{where}: 'notebooks_dir' should be a folder name, got {error['input']!r}")
            elif f"{where}: expected a mapping with a 'runs' list (see reports/plan.yaml)" not in problems:
                problems.append(f"{where}: expected a mapping with a 'runs' list (see reports/plan.yaml)")
        return None, problems


def check_entry(item) -> tuple[PlanEntry | None, list[dict]]:
    """One entry of ``runs`` as a :class:`PlanEntry`, and pydantic's errors about it.

    Unknown keys do not make the entry unusable (the plan reports them and goes on checking the entry);
    any other error does (the entry is None).

    >>> entry, errors = check_entry({"notebook": "00_project_overview", "colour": "red"})
    >>> entry.notebook, [(e["type"], e["loc"]) for e in errors]
    ('00_project_overview', [('extra_forbidden', ('colour',))])
    """
    try:
        return PlanEntry.model_validate(item), []
    except ValidationError as exc:
        errors = exc.errors()
    if all(e["type"] == "extra_forbidden" for e in errors):
        return PlanEntry.model_validate({k: v for k, v in item.items() if k in ENTRY_KEYS}), errors
    return None, errors


def expand_plan(plan_path: Path, dataset: Dataset, overrides: dict[str, str] | None = None,
                only: list[str] | None = None, notebooks_dir: Path | None = None) -> list[Run]:
    """Read the plan, expand ``for_each`` entries, apply overrides and check every run.

    Raises :class:`PlanError` with every problem (unknown notebook, parameter, type, partner, ...).
    ``only`` keeps runs whose notebook name or slug matches one of the patterns (``04*``, ``*ecoplus``).
    """
    plan_path = Path(plan_path)
    plan, problems = read_plan(plan_path)
    long = [p for p in (_too_long("--only", pattern) for pattern in only or []) if p]
    if problems or long:
        raise PlanError(problems + long)
    where = plan_path.name
    if notebooks_dir is None:
        notebooks_dir = (plan_path.parent / plan.notebooks_dir) if plan.notebooks_dir else NOTEBOOKS_DIR
    available = sorted(p.stem for p in Path(notebooks_dir).glob("*.ipynb"))
    runs: list[Run] = []
    for i, item in enumerate(plan.runs):
        at = f"{where}: runs[{i}]"
        entry, errors = check_entry(item)
        wrong = {e["loc"][0] if e["loc"] else "" for e in errors if e["type"] != "extra_forbidden"}
        if wrong & {"", "notebook"}:
            problems.append(f"{at}: each entry needs 'notebook: <name>'")
            continue
        name = str(item["notebook"]).removesuffix(".ipynb")
        at = f"{where}: runs[{i}] ({name})"
        unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
        if unknown:
            named = ", ".join(key + did_you_mean(key, ENTRY_KEYS) for key in unknown)
            problems.append(f"{at}: unknown key(s) {named}; valid: {', '.join(sorted(ENTRY_KEYS))}")
        path = Path(notebooks_dir) / f"{name}.ipynb"
        if not path.is_file():
            problems.append(f"{at}: notebook {path.name} not found in {notebooks_dir}; "
                            f"available: {', '.join(available) or 'none'}")
            continue
        if "parameters" in wrong:
            problems.append(f"{at}: 'parameters' must be a mapping of name: value")
            continue
        if entry is None:   # title, for_each or checker is not text
            problems += [f"{at}: '{key}' should be text, got {item[key]!r}" for key in sorted(wrong)]
            continue
        if entry.checker:
            try:
                load_checker(entry.checker)
            except (ImportError, AttributeError, ValueError) as exc:
                problems.append(f"{at}: checker '{entry.checker}' cannot be loaded: {exc}")
        rows = [{}]
        if entry.for_each:
            source = FOR_EACH.get(entry.for_each)
            if source is None:
                problems.append(f"{at}: for_each '{entry.for_each}' is not one of {', '.join(FOR_EACH)}")
                continue
            rows = source(dataset).to_dict("records")
        title = entry.title or name
        params = entry.parameters
        for row in rows:
            try:
                filled = {k: _fill(v, row) for k, v in params.items()}
                run_title = _fill(title, row) if row else title
                run_description = _fill(entry.description or "", row) if row else entry.description or ""
            except (KeyError, ValueError, IndexError) as exc:
                problems.append(f"{at}: template refers to an unknown field {exc}; "
                                f"fields: {', '.join(row)}")
                break
            from_row = frozenset(k for k, v in params.items() if row and isinstance(v, str) and "{" in v)
            runs.append(Run(notebook=name, path=path, title=str(run_title), parameters=filled,
                            checker=entry.checker or None, entry=i, from_row=from_row,
                            section=entry.section or "", description=str(run_description)))
    if only:
        kept = [r for r in runs if any(fnmatch(r.notebook, pat) or fnmatch(r.notebook, pat + "*")
                                       or fnmatch(run_slug(r.notebook, r.parameters), pat) for pat in only)]
        if not kept and runs:
            problems.append(f"--only {' '.join(only)}: matches no run; notebooks: "
                            f"{', '.join(sorted({r.notebook for r in runs}))}")
        runs = kept
    runs, found = _select_by_overrides(runs, overrides or {})
    problems += found
    problems += _check_runs(runs, dataset, overrides or {})
    if problems:
        raise PlanError(problems)
    _assign_slugs(runs)
    return runs


def _select_by_overrides(runs: list[Run], overrides: dict[str, str]) -> tuple[list[Run], list[str]]:
    """``-p partner=inma`` on a ``for_each: partner`` entry keeps the inma run instead of making every
    run of the entry about inma (other entries get the value as an override)."""
    kept, problems = [], []
    selected_entries: dict[int, bool] = {}
    for run in runs:
        keys = [k for k in overrides if k in run.from_row]
        if not keys:
            kept.append(run)
            continue
        matches = all(str(run.parameters[k]) == overrides[k] for k in keys)
        selected_entries[run.entry] = selected_entries.get(run.entry, False) or matches
        if matches:
            kept.append(run)
    for entry, any_match in selected_entries.items():
        if not any_match:
            name = next(r.notebook for r in runs if r.entry == entry)
            keys = sorted({k for r in runs if r.entry == entry for k in overrides if k in r.from_row})
            valid = sorted({str(r.parameters[keys[0]]) for r in runs if r.entry == entry})
            problems.append(f"-p {keys[0]}={overrides[keys[0]]}: no run of {name} has it; valid: {', '.join(valid)}")
    return kept, problems


def _check_runs(runs: list[Run], dataset: Dataset, overrides: dict[str, str]) -> list[str]:
    problems: list[str] = []
    declared_by_path: dict[Path, dict] = {}
    used_overrides: set[str] = set()
    for run in runs:
        if run.path not in declared_by_path:
            declared_by_path[run.path] = declared_parameters(run.path)
        declared = run.declared = declared_by_path[run.path]
        for key, raw in overrides.items():
            if key in run.from_row:
                used_overrides.add(key)   # it selected this run (see _select_by_overrides)
                continue
            if key in declared and key != PROJECT_PARAMETER:
                used_overrides.add(key)
                try:
                    value = coerce_override(raw, declared[key]["types"])
                    if run.parameters.get(key, _UNSET) != value:   # the title must not claim the plan's value
                        run.title += f" ({key}={value})"
                    run.parameters[key] = value
                except ValueError as exc:
                    problems.append(f"-p {key}={raw}: {exc} (parameter of {run.notebook})")
        at = f"{run.notebook} {_describe(run.parameters)}"
        for key, value in run.parameters.items():
            if key == PROJECT_PARAMETER:
                problems.append(f"{at}: '{PROJECT_PARAMETER}' comes from --project, not from the plan")
            elif key not in declared:
                valid = ", ".join(k for k in declared if k != PROJECT_PARAMETER) or "none"
                problems.append(f"{at}: unknown parameter '{key}'; the notebook's parameters: {valid}")
            elif not type_matches(value, declared[key]["types"]):
                problems.append(f"{at}: parameter '{key}' should be {describe_types(declared[key]['types'])}, "
                                f"got {value!r}")
        if run.checker and not any(at in p for p in problems):
            try:
                found = call_checker(load_checker(run.checker), dataset, run.parameters)
            except Exception as exc:  # a checker that breaks must not hide the other problems
                found = [f"{run.checker} raised {type(exc).__name__}: {exc}"]
            problems += [f"{at}: {m}" for m in found]
    for key in sorted(set(overrides) - used_overrides):
        if key == PROJECT_PARAMETER:
            problems.append(f"-p {key}: use --project to choose the project folder")
        else:
            known = sorted({k for r in runs for k in r.declared if k != PROJECT_PARAMETER})
            problems.append(f"-p {key}: no notebook in the plan has a parameter '{key}'; known: {', '.join(known)}")
    return problems


def _describe(parameters: dict) -> str:
    return "(" + ", ".join(f"{k}={v!r}" for k, v in parameters.items()) + ")" if parameters else "(defaults)"


def _assign_slugs(runs: list[Run]) -> None:
    """Unique slugs: a second run with the same slug gets -2, -3, ..."""
    seen: dict[str, int] = {}
    for run in runs:
        base = run_slug(run.notebook, run.parameters)
        seen[base] = seen.get(base, 0) + 1
        run.slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
