"""Results: one run of the model as a labelled dataset.

``simulate`` runs the engine for a parameter set and returns the dataset that ``dataset`` builds (the
catalogue of outputs, their units and labels); ``summary`` condenses it into tables, ``checks`` tests
conservation of headcount, ``cf`` writes CF-convention metadata and ``io`` writes files atomically.
"""
