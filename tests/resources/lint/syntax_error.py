"""A script that does not parse: its third line is not Python."""

def broken(:
    return 1
