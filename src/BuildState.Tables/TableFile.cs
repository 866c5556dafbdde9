namespace BuildState.Tables;

/// <summary>
/// File access for the MSBuild tasks and the CLI. Not compiled into the generator (analyzers may
/// not do file IO: the compiler hands them the text).
/// </summary>
internal static class TableFile
{
    /// <summary>
    /// Reads and parses a table file (for the MSBuild tasks and the CLI). A file too large to be a
    /// table is refused before it is read; an unreadable file is a BST0001 at (1,1). Never throws
    /// for file-system problems.
    /// </summary>
    public static TableParseResult Parse(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > JsonReader.MaxLength * 4L)
            {
                return Failure(path, "Malformed JSON: the file is larger than " + JsonReader.MaxLength + " characters; a lifecycle table is a few kilobytes, so check that this is the right file.");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException || ex is ArgumentException || ex is NotSupportedException)
        {
            return Failure(path, "The table file cannot be read: " + ex.Message + " Check that it exists and that the build may read it.");
        }

        return TableParser.Parse(path, text);
    }

    private static TableParseResult Failure(string path, string message) =>
        new TableParseResult(null, new[]
        {
            new TableDiagnostic(TableRules.MalformedJson, TableSeverity.Error, message, path, new SourceSpan(0, 0, 1, 1, 1, 1)),
        });
}
