"""TriMul evaluation harness: worker.py is the entry point (see ../README.md)."""
