"""Inputs: everything the model reads, checked, before any equation runs.

``paths`` finds the parameter folders, ``textfiles`` reads them (text and strict YAML), ``schema`` checks
documents against pydantic schemas (every complaint one :class:`~model.errors.InputError`), ``units``
converts units (pint), ``spec`` is the parameter specification (which keys exist and what each must hold),
``registry`` loads and validates ``params/registry.yaml``, ``provenance`` is a validated parameter with where
its value came from (and any override), ``limits`` holds the bounds the loaders enforce, ``repeats`` the rule that a list names each item once, ``scenarios`` applies
scenario overlays, ``schedules`` expands dated events to months, ``observed`` loads observed series,
``parameters`` assembles the :class:`~model.inputs.parameters.ParameterSet`, and ``snapshot`` records the
parameters a run used.

Imports only from :mod:`model.core` (and :mod:`model.errors`).
"""
