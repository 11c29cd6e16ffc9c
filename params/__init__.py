"""The shipped default parameters: installed as the package data ``model.params`` (see ``model/paths.py``)."""
