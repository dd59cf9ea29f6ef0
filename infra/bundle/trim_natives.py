"""Drops the native libraries of other platforms from the compression codecs' jars of a bundle (zstd-jni, snappy,
lz4 carry one per OS and CPU; the bundle runs on Linux x86-64). Usage: trim_natives.py BUNDLE_DIR"""
import os
import re
import sys
import zipfile

# Which entries are natives of another platform, per jar name pattern.
OTHER_PLATFORM = [
    (re.compile(r"zstd-jni"), re.compile(r"^(darwin|win|freebsd|aix|linux/(?!amd64/)).*\.(so|dll|dylib|jnilib)$")),
    (re.compile(r"snappy-java"), re.compile(r"^org/xerial/snappy/native/(?!Linux/x86_64/).+")),
    (re.compile(r"lz4-java"), re.compile(r"^net/jpountz/util/(?!linux/amd64/)[^/]+/[^/]+/.+\.(so|dll|dylib)$")),
]


def trim(path, drop):
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist() if not drop.match(i.filename)]
        dropped = len(z.infolist()) - len(entries)
    if not dropped:
        return 0
    before = os.path.getsize(path)
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            out.writestr(info, data)
    os.replace(tmp, path)
    return before - os.path.getsize(path)


def main(root):
    saved = 0
    for d, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".jar"):
                continue
            for jar, drop in OTHER_PLATFORM:
                if jar.search(f):
                    saved += trim(os.path.join(d, f), drop)
    print(f"bundle: natives of other platforms dropped: {saved / 1048576:.1f} MiB", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
