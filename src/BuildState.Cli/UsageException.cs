namespace BuildState.Cli;

/// <summary>The command line is wrong in a way the parser cannot see (a missing either-or option, a bad duration): exit code 64 with usage.</summary>
public sealed class UsageException(string message) : Exception(message);
