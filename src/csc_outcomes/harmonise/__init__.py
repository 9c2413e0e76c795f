"""Harmonisation: map a local or published variant onto the canonical return, declaratively."""


import sys as _sys
import types as _types


class _CallablePackage(_types.ModuleType):
    """`csc_outcomes.harmonise(...)` is the API function even once this package has been imported
    (Python then sets the package as the attribute of csc_outcomes): the package calls it."""

    def __call__(self, *args, **kwargs):
        from csc_outcomes.api import harmonise as function

        return function(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallablePackage
