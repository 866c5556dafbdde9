using BuildState.Tables;

namespace BuildState.Sdk.Session;

/// <summary>
/// Where a BSTnnnn diagnostic is explained (docs/diagnostics.md), for every diagnostic the tasks
/// log, table or not. The link also goes at the end of the message, as the generator's diagnostics
/// show it: MSBuild's console loggers do not print the help link an error or warning carries.
/// </summary>
internal static class HelpLinks
{
    public static string For(string id) => TableRules.HelpLink(id);

    /// <summary>The message with the diagnostic's help link at its end.</summary>
    public static string Append(string id, string message) => $"{message} ({For(id)})";
}
