"""The curriculum layer stays free of the training stack."""

import subprocess
import sys


def test_importing_the_curriculum_loads_no_lightning_or_hydra():
    code = (
        "import sys, coconut.curriculum; "
        "print(sorted(m for m in ('lightning', 'pytorch_lightning', 'hydra', 'omegaconf') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
