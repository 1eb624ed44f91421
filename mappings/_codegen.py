"""Turning a compiled ``fields`` block into one generated Python function.

A mapping runs for every record a job moves, so the evaluation of a block is generated as
straight-line code, once per block when the mapping compiles: one ``if`` per rule, field reads
written out as ``.get`` chains, transform steps called in a row. Per record, the closures of
``_plan.py`` cost a call for every rule, another for its path and a loop over its steps; the
generated function does the same work without them, about twice as fast on the order mappings.

The generated code does exactly what the closures do, rule for rule: the closures stay the
definition (``make_leaf`` documents the semantics), each leaf carries a :class:`LeafSpec` from which
its code is written, and any evaluator without one (an object, a list, a constant) is called as
it is. Errors are the same too: a failing rule becomes a :class:`Failure` naming its target and line.

Nothing from the mapping document is pasted into the source: names, keys, functions and messages
all reach the generated function as values in its namespace, so no YAML content can change what
the code does.
"""

from __future__ import annotations

import itertools
from typing import Any

from ._paths import Getter, field_chain, is_truthy
from ._plan import OMIT, Builder, Entry, Failure, LeafSpec, Problem, StepFailed, cause_of, failure_at

__all__ = ["generate_builder"]

_serial = itertools.count()


def generate_builder(entries: tuple[Entry, ...]) -> Builder:
    """The function that evaluates ``entries`` (``(key, evaluate, site)`` tuples) into a dict."""
    namespace: dict[str, Any] = {
        "OMIT": OMIT,
        "Failure": Failure,
        "StepFailed": StepFailed,
        "Problem": Problem,
        "is_truthy": is_truthy,
        "fail": failure_at,
        "cause": cause_of,
        "SITES": tuple(site for _, _, site in entries),
    }
    body: list[str] = []
    for n, (key, evaluate, _site) in enumerate(entries):
        namespace[f"K{n}"] = key
        body.append(f"at = {n}")
        spec = getattr(evaluate, "leaf_spec", None)
        group = getattr(evaluate, "group_builder", None)
        if spec is not None:
            body += _leaf(n, spec, namespace)
        elif group is not None:
            namespace[f"G{n}"] = group
            body += [f"v = G{n}(scope, root)", "if v:", f"    out[K{n}] = v"]
        else:
            namespace[f"E{n}"] = evaluate
            body += [f"v = E{n}(scope, root)", "if v is not OMIT:", f"    out[K{n}] = v"]
    name = f"build_{next(_serial)}"
    source = "\n".join(
        [
            f"def {name}(scope, root):",
            "    out = {}",
            "    at = -1",
            "    try:",
            *(f"        {line}" for line in body or ["pass"]),
            "    except Failure:",
            "        raise",
            "    except Exception as exc:",
            "        raise fail(SITES[at], exc) from cause(exc)",
            "    return out",
        ]
    )
    exec(compile(source, f"<mapping block {name}>", "exec"), namespace)  # noqa: S102 - our own template
    return namespace[name]  # type: ignore[no-any-return]


def _leaf(n: int, spec: LeafSpec, namespace: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    source = "root" if spec.from_root else "scope"
    indent = ""
    if spec.condition is not None:
        namespace[f"C{n}"] = spec.condition
        lines.append(f"if is_truthy(C{n}({source})):")
        indent = "    "
    lines += [indent + line for line in _read(n, spec.read, source, namespace)]
    if spec.steps:
        namespace[f"S{n}"] = tuple(name for name, _, _ in spec.steps)
        lines += [f"{indent}if v is not None:", f"{indent}    try:"]
        for index, (_, function, wants_source) in enumerate(spec.steps):
            namespace[f"F{n}_{index}"] = function
            call = f"F{n}_{index}(v, {source}, root)" if wants_source else f"F{n}_{index}(v)"
            if index:
                lines += [f"{indent}        if v is not None:", f"{indent}            st = {index}", f"{indent}            v = {call}"]
            else:
                lines += [f"{indent}        st = 0", f"{indent}        v = {call}"]
        lines += [f"{indent}    except Exception as exc:", f"{indent}        raise StepFailed(S{n}[st], exc) from exc"]
    lines.append(f"{indent}if v is not None:")
    lines.append(f"{indent}    out[K{n}] = v")
    if spec.make_default is not None:
        namespace[f"D{n}"] = spec.make_default
        lines += [f"{indent}else:", f"{indent}    out[K{n}] = D{n}()"]
    elif spec.required:
        namespace[f"P{n}"] = f"a value is required but {spec.describe_source} gave nothing"
        lines += [f"{indent}else:", f"{indent}    raise Problem(P{n})"]
    elif spec.keep_null:
        lines += [f"{indent}else:", f"{indent}    out[K{n}] = None"]
    return lines


def _read(n: int, read: Getter, source: str, namespace: dict[str, Any]) -> list[str]:
    """``v = <the path's value>``: a field chain written out, any other path called as it is."""
    names = field_chain(read)
    if names is None:
        namespace[f"R{n}"] = read
        return [f"v = R{n}({source})"]
    chain = "".join(f".get(N{n}_{index})" for index in range(len(names)))
    for index, name in enumerate(names):
        namespace[f"N{n}_{index}"] = name
    # ``.get`` on a non-object raises AttributeError: JMESPath's null, as in the getters.
    return ["try:", f"    v = {source}{chain}", "except AttributeError:", "    v = None"]
