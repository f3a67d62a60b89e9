"""One thin module per subcommand: options in, the shared pipeline, the shared printer out."""
