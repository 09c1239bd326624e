"""A script that flake8 and pylint both pass: no finding, 10.00/10."""

TOTAL = sum(i * i for i in range(1_000))
print(TOTAL)
