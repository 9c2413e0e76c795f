"""csc-outcomes: common outcome measures for children's social care in England."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("csc-outcomes")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
