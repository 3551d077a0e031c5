from klarsvar.cli.main import app

app()
