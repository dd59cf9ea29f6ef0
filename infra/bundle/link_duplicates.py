"""Replaces identical files of a bundle by hard links to one copy, so the archive stores each once (the services and
the CLI share most of their jars). Usage: link_duplicates.py BUNDLE_DIR"""
import hashlib
import os
import sys


def main(root):
    first = {}
    saved = 0
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            if digest in first:
                saved += os.path.getsize(p)
                os.remove(p)
                os.link(first[digest], p)
            else:
                first[digest] = p
    print(f"bundle: duplicate files linked: {saved / 1048576:.1f} MiB", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
