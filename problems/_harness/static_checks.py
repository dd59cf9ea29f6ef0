"""Static anti-reward-hacking checks: the rules are data (rules.yml), this module only matches them
against the candidate's AST (and, for kind `pattern`, its text).

A rule fires on what the code does, not on what it merely mentions: an `import` rule fires only when
a name the import binds is used somewhere (or the module is imported dynamically), so an unused
`import socket` passes, as it does on the official leaderboard.

Rule fields: id, kind (import|call|attribute|name|pattern), match (a string or a list of fnmatch
patterns over dotted names; a regex for `pattern`), message, and optionally
  context: load|store|base|any   (attribute rules: read, assignment/del target, class base; default any)
  except: [patterns]             (names that never fire the rule)
  unless_calls: [patterns]       (the rule fires only if none of these calls appears in the source)
  arg: {index: i, allow_regex: r} (call rules: fire unless positional arg i is a str constant matching r)
  action: reject|warn            (default reject)
Dotted names are resolved through the source's imports (`import torch.cuda as tc` makes `tc.Event`
read as `torch.cuda.Event`; `from os import environ` makes `environ` read as `os.environ`), and
`getattr(obj, "name")` reads as `obj.name`.
"""
import ast
import fnmatch
import re


class _Collector(ast.NodeVisitor):
    def __init__(self):
        self.aliases = {}
        self.imports = []        # (module, lineno, bound name or None for a dynamic import)
        self.loaded = set()      # names read anywhere
        self.calls = []          # (dotted, node)
        self.attributes = []     # (dotted, context, lineno) for names rooted in an import
        self.names = []          # (identifier, lineno)

    def collect_aliases(self, tree):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.aliases[a.asname] = a.name
                    else:
                        root = a.name.split(".")[0]
                        self.aliases[root] = root
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    if a.name != "*":
                        self.aliases[a.asname or a.name] = node.module + "." + a.name

    def rooted(self, node):
        """True when the expression's root name is bound by an import (so `self.x` never is)."""
        while isinstance(node, (ast.Attribute, ast.Call)):
            if isinstance(node, ast.Call):
                if not (isinstance(node.func, ast.Name) and node.func.id == "getattr" and node.args):
                    return False
                node = node.args[0]
            else:
                node = node.value
        return isinstance(node, ast.Name) and node.id in self.aliases

    def dotted(self, node):
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            return base + "." + node.attr if base else None
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)):
            base = self.dotted(node.args[0])
            return base + "." + node.args[1].value if base else None
        return None

    def visit_Import(self, node):
        for a in node.names:
            self.imports.append((a.name, node.lineno, a.asname or a.name.split(".")[0]))

    def visit_ImportFrom(self, node):
        module = ("." * node.level) + (node.module or "")
        for a in node.names:
            bound = None if a.name == "*" else a.asname or a.name  # a star import counts as used
            self.imports.append((module, node.lineno, bound))
            if node.module and node.level == 0 and a.name != "*":
                self.imports.append((node.module + "." + a.name, node.lineno, bound))

    def visit_Call(self, node):
        name = self.dotted(node.func)
        if name:
            self.calls.append((name, node))
            if name in ("__import__", "importlib.import_module") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                self.imports.append((node.args[0].value, node.lineno, None))
            if name == "getattr":
                full = self.dotted(node)
                if full and self.rooted(node):
                    self.attributes.append((full, "load", node.lineno))
            if name in ("setattr", "delattr") and len(node.args) >= 2 \
                    and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
                base = self.dotted(node.args[0])
                if base and self.rooted(node.args[0]):
                    self.attributes.append((base + "." + node.args[1].value, "store", node.lineno))
        self.generic_visit(node)

    def visit_Attribute(self, node):
        name = self.dotted(node)
        if name and self.rooted(node):
            ctx = "load" if isinstance(node.ctx, ast.Load) else "store"
            self.attributes.append((name, ctx, node.lineno))
        self.names.append((node.attr, node.lineno))
        self.generic_visit(node)

    def visit_Name(self, node):
        self.names.append((node.id, node.lineno))
        if not isinstance(node.ctx, ast.Store):
            self.loaded.add(node.id)
        resolved = self.aliases.get(node.id)
        if resolved and "." in resolved:
            ctx = "load" if isinstance(node.ctx, ast.Load) else "store"
            self.attributes.append((resolved, ctx, node.lineno))

    def visit_ClassDef(self, node):
        for base in node.bases:
            name = self.dotted(base)
            if name and self.rooted(base):
                self.attributes.append((name, "base", node.lineno))
        self.names.append((node.name, node.lineno))
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self.names.append((node.name, node.lineno))
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef


def _patterns(rule):
    match = rule["match"]
    return [match] if isinstance(match, str) else list(match)


def _hit(name, rule):
    if any(fnmatch.fnmatchcase(name, p) for p in rule.get("except", [])):
        return False
    return any(fnmatch.fnmatchcase(name, p) for p in _patterns(rule))


def _call_arg_allowed(node, spec):
    idx = int(spec.get("index", 0))
    if len(node.args) <= idx:
        return not node.keywords  # a keyword-only path is not inspected: treat as not allowed
    arg = node.args[idx]
    return isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
        and re.fullmatch(spec["allow_regex"], arg.value) is not None


def check_source(tree, source, rules):
    """Fired rules as a list of {"id", "message", "line", "action"}, in rule order, one per rule."""
    col = _Collector()
    col.collect_aliases(tree)
    col.visit(tree)
    called = [name for name, _ in col.calls]
    fired = []
    for rule in rules:
        kind, line = rule["kind"], None
        if kind == "import":
            line = next((ln for mod, ln, bound in col.imports
                         if (bound is None or bound in col.loaded)
                         and any(fnmatch.fnmatchcase(mod, p) or mod.startswith(p + ".") for p in _patterns(rule))), None)
        elif kind == "call":
            for name, node in col.calls:
                if _hit(name, rule) and not ("arg" in rule and _call_arg_allowed(node, rule["arg"])):
                    line = node.lineno
                    break
        elif kind == "attribute":
            ctx = rule.get("context", "any")
            line = next((ln for name, c, ln in col.attributes
                         if (ctx == "any" or c == ctx) and _hit(name, rule)), None)
        elif kind == "name":
            line = next((ln for name, ln in col.names if _hit(name, rule)), None)
        elif kind == "pattern":
            m = re.search(rule["match"], source, re.MULTILINE)
            if m:
                line = source.count("\n", 0, m.start()) + 1
        else:
            raise ValueError("unknown rule kind %r in rule %s" % (kind, rule.get("id")))
        if line is not None and rule.get("unless_calls"):
            if any(fnmatch.fnmatchcase(c, p) for c in called for p in rule["unless_calls"]):
                line = None
        if line is not None:
            fired.append({"id": rule["id"], "message": rule["message"], "line": line,
                          "action": rule.get("action", "reject")})
    return fired
