from confcal.cli import cli

cli(prog_name="confcal")
