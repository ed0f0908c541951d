"""One package per forum family: its adapters (page chrome), body cleaning, time formats and the
``Resolver`` that reads who answers whom from its markup. The core never imports a forum by name:
adapters are registered in ``threadscope.adapters.base.BUILTIN_ADAPTERS`` or by entry point."""
