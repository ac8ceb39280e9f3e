"""Sphinx configuration of csocket's documentation (make docs: every warning is an error).

The API pages are generated: autodoc reads the package's docstrings and signatures, and
docs/_ext/stubsig.py writes every function and socket method of the extension with the docstring
it carries and the signatures its type stub (csocket/_csocket.pyi) declares, so neither can drift
from what the pages show.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "_ext"))

import csocket  # noqa: E402  (the built package: make docs builds it first)

project = "csocket"
author = "csocket developers"
copyright = "csocket developers"
version = release = csocket.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "stubsig"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"exclude-members": "__init__, __new__"}

html_theme = "furo"
html_title = "csocket %s" % release
html_static_path = []
