"""Build the C extension csocket._csocket and ship the CSOCKET start-up hook beside the package
(metadata lives in pyproject.toml)."""
import os
from glob import glob

from setuptools import Extension, setup
from setuptools.command.build_py import build_py
from setuptools.command.editable_wheel import editable_wheel

sources = sorted(glob("src/core/*.c")) + sorted(glob("src/python/*.c"))
headers = sorted(glob("src/core/*.h")) + sorted(glob("src/python/*.h"))

# Warnings are errors where csocket is developed (make build, CI: CSOCKET_WERROR=1), never in a
# user's pip install, which a newer compiler's new warning must not break.
compile_args = ["-std=gnu11", "-Wall", "-Wextra", "-Wno-missing-field-initializers"]
if os.environ.get("CSOCKET_WERROR") == "1":
    compile_args.append("-Werror")

# site.py runs the import lines of the .pth files in site-packages itself, so the hook must lie at
# the top of the wheel, outside the csocket package; setuptools only places packages there.
HOOK = "csocket-autoinstall.pth"


class build_py_with_hook(build_py):
    """Regular wheels: the hook goes to the top of build_lib, which becomes the wheel's top."""

    def run(self):
        super().run()
        if not self.editable_mode:
            self.copy_file(HOOK, os.path.join(self.build_lib, HOOK))

    def get_outputs(self, *args, **kwargs):
        outputs = super().get_outputs(*args, **kwargs)
        return outputs if self.editable_mode else [*outputs, os.path.join(self.build_lib, HOOK)]


class editable_wheel_with_hook(editable_wheel):
    """`pip install -e .`: an editable wheel holds only what its strategy writes (a .pth or a finder
    pointing at the source tree), so the hook is written into the wheel beside them.  Nothing public
    reaches that step: this wraps the strategy setuptools picks (setuptools 64 to 84 at least)."""

    def _select_strategy(self, *args, **kwargs):
        return _AlsoWriteHook(super()._select_strategy(*args, **kwargs))


class _AlsoWriteHook:
    def __init__(self, strategy):
        self.strategy = strategy

    def __enter__(self):
        self.strategy.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self.strategy.__exit__(*exc_info)

    def __call__(self, wheel, files, mapping):
        self.strategy(wheel, files, mapping)
        with open(HOOK, "rb") as f:
            wheel.writestr(HOOK, f.read())


setup(
    ext_modules=[
        Extension(
            "csocket._csocket",
            sources=sources,
            depends=headers,
            extra_compile_args=compile_args,
        )
    ],
    cmdclass={"build_py": build_py_with_hook, "editable_wheel": editable_wheel_with_hook},
)
