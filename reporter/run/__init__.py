"""Stage one: run each script in fresh child processes and keep what they wrote."""
