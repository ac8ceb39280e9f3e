"""Helpers the tests of tests/python share (no tests here): the bad-input generators' values, every
address form of every family, the thread torture run, and a report line past pytest's capture.
Imported as `from support import family_cases`: pytest puts tests/python on sys.path (rootdir
`prepend` import mode: that folder has no __init__.py)."""
