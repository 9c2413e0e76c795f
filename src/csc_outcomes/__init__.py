"""csc-outcomes: common outcome measures for children's social care in England."""


def __getattr__(name: str) -> str:
    # looked up on demand: importlib.metadata costs 30 ms at every start of the command line
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("csc-outcomes")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(name)
