"""A pack as the harness reads it: pack.yml with its cases, its static rules (the base rules of this
package, then the pack's own: a pack rule with a base rule's id replaces it) and its problem module."""
import importlib.util
import os
import pkgutil
import sys

import yaml

HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))
PROBLEMS_DIR = os.path.dirname(HARNESS_DIR)
PACKAGE = os.path.basename(HARNESS_DIR)
# The module name a pack's problem.py is imported under (one pack per worker).
PROBLEM_MODULE = "problem"


def harness_modules():
    """Every module a candidate must not reach, derived from the package (never kept by hand): the
    package, each of its modules by dotted and bare name, the problem module and __main__."""
    names = {PACKAGE, PROBLEM_MODULE, "__main__"}
    for info in pkgutil.iter_modules([HARNESS_DIR]):
        names.update((info.name, "%s.%s" % (PACKAGE, info.name)))
    return sorted(names)


def load_problem(pack_dir, name="problem.py"):
    """The pack's problem module, imported once under PROBLEM_MODULE."""
    path = os.path.join(pack_dir, name)
    loaded = sys.modules.get(PROBLEM_MODULE)
    if loaded is not None and os.path.abspath(getattr(loaded, "__file__", "")) == os.path.abspath(path):
        return loaded
    spec = importlib.util.spec_from_file_location(PROBLEM_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[PROBLEM_MODULE] = module
    spec.loader.exec_module(module)
    return module


def _rules(pack_dir, pack):
    with open(os.path.join(HARNESS_DIR, "rules.yml")) as f:
        rules = yaml.safe_load(f)["rules"]
    if pack.get("static_rules"):
        with open(os.path.join(pack_dir, pack["static_rules"])) as f:
            own = yaml.safe_load(f).get("rules") or []
        by_id = {r["id"]: r for r in own}
        rules = [by_id.pop(r["id"], r) for r in rules] + [r for r in own if r["id"] in by_id]
    out = []
    for rule in rules:
        if rule["id"] == "harness-import":  # extended with every harness module, derived from the package
            match = [rule["match"]] if isinstance(rule["match"], str) else list(rule["match"])
            rule = dict(rule, match=sorted(set(match) | set(harness_modules())))
        out.append(rule)
    return out


def load_pack(pack_dir):
    """pack.yml with what it references resolved: "problem" (the module), "device_cases" (per device,
    tests and benchmarks normalised by the problem), "rules", "score" (kind and direction), "dir"."""
    pack_dir = os.path.abspath(pack_dir)
    with open(os.path.join(pack_dir, "pack.yml")) as f:
        pack = yaml.safe_load(f)
    with open(os.path.join(pack_dir, pack["cases"])) as f:
        raw_cases = yaml.safe_load(f)
    problem = load_problem(pack_dir, pack.get("problem", "problem.py"))
    pack["problem"] = problem
    pack["dir"] = pack_dir
    pack["rules"] = _rules(pack_dir, pack)
    pack["score"] = dict({"kind": "runtime", "better": "lower"}, **(pack.get("score") or {}))
    pack.setdefault("entry_point", "custom_kernel")
    pack["device_cases"] = {
        device: {kind: [problem.normalize_case(c, kind, i) for i, c in enumerate(lists.get(kind) or [])]
                 for kind in ("tests", "benchmarks")}
        for device, lists in raw_cases.items()}
    return pack
