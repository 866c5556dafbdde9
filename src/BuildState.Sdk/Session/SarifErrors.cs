using System.Text.Json;
using BuildState.Model;

namespace BuildState.Sdk.Session;

/// <summary>
/// Reads the compiler's error log (SARIF 2.1, written because the SDK sets ErrorLog when the
/// project has not) so a failed compile is recorded with each error's code, message and location.
/// </summary>
internal static class SarifErrors
{
    private const long MaxBytes = 64L * 1024 * 1024;

    public static List<ErrorRecord> Read(string? path, DateTimeOffset notBefore, string target = "CoreCompile")
    {
        var errors = new List<ErrorRecord>();
        if (string.IsNullOrEmpty(path) || !File.Exists(path) || File.GetLastWriteTimeUtc(path) < notBefore.UtcDateTime.AddSeconds(-2))
        {
            return errors;
        }

        try
        {
            if (new FileInfo(path).Length > MaxBytes)
            {
                return errors;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 64 });
            foreach (var run in Array(document.RootElement, "runs"))
            {
                foreach (var result in Array(run, "results"))
                {
                    if (String(result, "level") != "error" || Suppressed(result))
                    {
                        continue;
                    }

                    var error = new ErrorRecord
                    {
                        Code = String(result, "ruleId"),
                        Message = result.TryGetProperty("message", out var m) ? String(m, "text") ?? "" : "",
                        Target = target,
                    };
                    var location = Array(result, "locations").FirstOrDefault();
                    if (location.ValueKind == JsonValueKind.Object && location.TryGetProperty("physicalLocation", out var physical))
                    {
                        if (physical.TryGetProperty("artifactLocation", out var artifact) && String(artifact, "uri") is { } uri)
                        {
                            error.File = Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.IsFile ? u.LocalPath : uri;
                        }

                        if (physical.TryGetProperty("region", out var region))
                        {
                            error.Line = Int(region, "startLine");
                            error.Column = Int(region, "startColumn");
                        }
                    }

                    errors.Add(error);
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // An unreadable log only costs the error details; the run is still recorded as failed.
        }

        return errors;
    }

    /// <summary>
    /// With an error log the compiler also reports the diagnostics suppressed in source (<c>#pragma
    /// warning disable</c>, <c>[SuppressMessage]</c>), at the level they would have had, each with
    /// a <c>suppressions</c> entry. SARIF 2.1: a result is suppressed when it has suppressions and
    /// none of them is under review or rejected.
    /// </summary>
    private static bool Suppressed(JsonElement result)
    {
        var any = false;
        foreach (var suppression in Array(result, "suppressions"))
        {
            if (String(suppression, "status") is "underReview" or "rejected")
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : null;
}
