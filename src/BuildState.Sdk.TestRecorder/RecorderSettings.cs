using System.Globalization;
using BuildState.Store;

namespace BuildState.Sdk.TestRecorder;

/// <summary>
/// What the build knew about a test application, for the record of its test sessions: written by
/// the SDK's targets when they compile the hook in (obj/.../buildstate-testing.settings, one
/// Key=Value per line), read here at a session's start and end. The same settings as a build's run.
/// </summary>
internal sealed class RecorderSettings
{
    public required string Project { get; init; }

    public string? Configuration { get; init; }

    public string? TargetFramework { get; init; }

    /// <summary>BuildStateRoot as the build had it: empty for .buildstate at the repository root.</summary>
    public string? StoreRoot { get; init; }

    public Durability Durability { get; init; } = Durability.Normal;

    public int MaxCheckpoints { get; init; } = 10;

    public int MaxBackups { get; init; } = 5;

    public int LockTimeoutSeconds { get; init; } = 5;

    public bool RecordArtifacts { get; init; } = true;

    public bool RecordTestResults { get; init; } = true;

    public string? EnvironmentAllowList { get; init; }

    /// <summary>The test application's assembly (TargetPath): the run's artifact, the bytes that were tested.</summary>
    public string? TestAssembly { get; init; }

    public static RecorderSettings Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                throw new InvalidDataException($"{path}({lineNumber}): expected Key=Value, found '{line}'. The SDK writes this file when it builds the test project: build it again");
            }

            values[line[..equals]] = line[(equals + 1)..];
        }

        if (!values.TryGetValue("Project", out var project) || project.Length == 0)
        {
            throw new InvalidDataException($"{path}: no Project=. The SDK writes this file when it builds the test project: build it again");
        }

        string? Text(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        int Number(string key, int fallback) => int.TryParse(Text(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;
        bool Switch(string key) => !string.Equals(Text(key), "false", StringComparison.OrdinalIgnoreCase);

        return new RecorderSettings
        {
            Project = project,
            Configuration = Text("Configuration"),
            TargetFramework = Text("TargetFramework"),
            StoreRoot = Text("StoreRoot"),
            Durability = Enum.TryParse<Durability>(Text("Durability"), ignoreCase: true, out var durability) ? durability : Durability.Normal,
            MaxCheckpoints = Number("MaxCheckpoints", 10),
            MaxBackups = Number("MaxBackups", 5),
            LockTimeoutSeconds = Number("LockTimeout", 5),
            RecordArtifacts = Switch("RecordArtifacts"),
            RecordTestResults = Switch("RecordTestResults"),
            EnvironmentAllowList = Text("EnvironmentAllowList"),
            TestAssembly = Text("TestAssembly"),
        };
    }
}
