"""doisoat: reconcile the paper ledgers and the electronic records of Vietnamese one-stop offices."""

__version__ = "0.1.0"
