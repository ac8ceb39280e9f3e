"""Build the C extension csocket._csocket (metadata lives in pyproject.toml)."""
from glob import glob

from setuptools import Extension, setup

sources = sorted(glob("src/core/*.c")) + sorted(glob("src/python/*.c"))
headers = sorted(glob("src/core/*.h")) + sorted(glob("src/python/*.h"))

setup(
    ext_modules=[
        Extension(
            "csocket._csocket",
            sources=sources,
            depends=headers,
            extra_compile_args=["-std=gnu11", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
        )
    ]
)
