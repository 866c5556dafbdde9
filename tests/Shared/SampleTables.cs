namespace BuildState.Tests.Shared;

/// <summary>
/// The sample release lifecycle the generator, SDK and CLI tests share (linked into each test
/// project), so a change to the sample is made once.
/// </summary>
internal static class SampleTables
{
    public const string Release = """
        {
          "name": "Release",
          "namespace": "Contoso.Build",
          "initial": "Draft",
          "terminal": ["Published"],
          "error": "Failed",
          "transitions": {
            "Draft":  ["Built", "Failed"],
            "Built":  ["Signed", "Failed"],
            "Signed": ["Published", "Failed"],
            "Failed": ["Draft"]
          }
        }
        """;
}
