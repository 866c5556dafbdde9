return BuildState.Cli.CliApp.Run(args, BuildState.Cli.CliEnvironment.FromProcess());
