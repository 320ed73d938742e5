from biobench.cli import app

app(prog_name="biobench")
