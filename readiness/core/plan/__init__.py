"""The action plan: its schema (model), checks, compiled definition, builder and result.

Import the modules themselves (``readiness.core.plan.builder``); this package imports
nothing, so loading a definition does not pull in the builder.
"""
