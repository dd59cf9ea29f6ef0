"""Load program-space.yml and render choices into a submission (the same substitution the Java
sampler does: each {{decision}} slot of the template becomes one alternative's code)."""
import os
import re

import yaml

_SLOT = re.compile(r"\{\{([a-z_]+)\}\}")


def load(pack_dir, pack):
    with open(os.path.join(pack_dir, pack["program_space"])) as f:
        space = yaml.safe_load(f)
    with open(os.path.join(pack_dir, space["template"])) as f:
        space["template_text"] = f.read()
    slots = set(_SLOT.findall(space["template_text"]))
    names = [d["name"] for d in space["decisions"]]
    if slots != set(names):
        raise ValueError("template slots %s do not match decisions %s" % (sorted(slots), names))
    return space


def available(decision, device):
    return [i for i, alt in enumerate(decision["alternatives"]) if device in alt.get("devices", [])]


def render(space, choices):
    """choices: {decision name: alternative index}; unnamed decisions take alternative 0."""
    code = {d["name"]: d["alternatives"][choices.get(d["name"], 0)]["code"].rstrip("\n")
            for d in space["decisions"]}
    return _SLOT.sub(lambda m: code[m.group(1)], space["template_text"])
