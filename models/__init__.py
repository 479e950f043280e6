"""The shipped zonenlp models, installed as the package resource ``zonenlp._models``."""
