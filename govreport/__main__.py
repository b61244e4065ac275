"""``python -m govreport``: the ``govreport`` command, for a checkout or venv without its script on PATH."""
from govreport.service.cli import main

if __name__ == "__main__":
    main(prog_name="govreport")
