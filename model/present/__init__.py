"""Presentation: what people read. ``plots`` draws the figures, ``report`` and ``html`` build the HTML
report, ``explorer`` is the notebook explorer (widgets), ``docs`` generates ``docs/MODEL.md`` and
``validation`` the validation report (``docs/VALIDATION.md``).
"""
