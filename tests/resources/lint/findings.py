import os

DATA = [0] * 500_000  # memray charges this line to the script


def long_line():
    return "this line is longer than either tool allows by default: pylint's 100 and flake8's 79 characters"


print(len(DATA), long_line())
