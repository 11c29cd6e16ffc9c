"""Presentation: what people read. ``plots`` draws the figures; ``report`` gathers the briefing's findings and
writes it, ``brief`` fills its page (a Jinja2 template in ``templates/``, see ``page``); ``explorer`` is the
notebook explorer (widgets) over the ``levers`` it declares, drawn by ``panels``; ``docs`` generates
``docs/MODEL.md`` and ``validation`` the validation report (``docs/VALIDATION.md``).
"""
