"""The Hydra configs of coconut, shipped inside the package as ``coconut.conf``.

``coconut/conf`` links to this folder, so an installed package (editable or a wheel)
carries the configs and the entry points find them at ``pkg://coconut.conf``. This file
only makes the folder importable, as Hydra's package config source requires.
"""
