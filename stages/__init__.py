"""Pipeline stages, one script each; the code they share is the `digits` package."""
