"""`hearth dev --help` shows its options' text as written (rich markup must not eat it)."""

import os
import subprocess
import sys
from pathlib import Path


def test_env_option_help_keeps_the_env_block_name() -> None:
    hearth = Path(sys.executable).with_name("hearth")
    result = subprocess.run(
        [str(hearth), "dev", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=60,
        check=True,
    )
    assert "Environment ([env.NAME] block) to run." in result.stdout
