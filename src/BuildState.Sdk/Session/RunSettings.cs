using System.Globalization;
using BuildState.Store;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Session;

/// <summary>
/// The settings of a project's run, read from the one item the SDK's targets build from its
/// properties (_BuildStateRunSettings: the project file, the settings as metadata). One item
/// parameter instead of a dozen keeps each BuildStateBeginRun call cheap: MSBuild expands and binds
/// every parameter of every task call, and compiles two reflection stubs per parameter in each node.
/// </summary>
internal sealed class RunSettings
{
    public required string ProjectPath { get; init; }

    public string? Configuration { get; init; }

    public string? TargetFramework { get; init; }

    /// <summary>RuntimeIdentifier and SelfContained: not part of the build's id (DESIGN keys a build by project, configuration and framework), so kept in the run's metadata.</summary>
    public string? RuntimeIdentifier { get; init; }

    public string? SelfContained { get; init; }

    /// <summary>BuildStateRoot: the store folder (default: .buildstate at the repository root).</summary>
    public string? StoreRoot { get; init; }

    /// <summary>BuildStateRunId: groups the runs of one invocation (CI sets its build number).</summary>
    public string? RunId { get; init; }

    public Durability Durability { get; init; }

    public int MaxCheckpoints { get; init; }

    public int MaxBackups { get; init; }

    /// <summary>BuildStateLockTimeout: seconds a build waits for a store lock before giving up (BST1001).</summary>
    public int LockTimeoutSeconds { get; init; } = DefaultLockTimeoutSeconds;

    /// <summary>
    /// A build's lock wait, much shorter than the store's 60 s: a store lock is held for milliseconds,
    /// so a longer wait means a stuck holder (a hung or stopped process), and every build would pay for it.
    /// </summary>
    public const int DefaultLockTimeoutSeconds = 5;

    public bool AutoCheckpoints { get; init; }

    public bool CheckpointArtifacts { get; init; }

    /// <summary>BuildStateRecordArtifacts: false records no outputs.</summary>
    public bool RecordArtifacts { get; init; }

    /// <summary>BuildStateStrict: fail instead of warn when the store cannot be used.</summary>
    public bool Strict { get; init; }

    /// <summary>The compiler's SARIF error log (a full path), read when a run fails.</summary>
    public string? ErrorLog { get; init; }

    /// <summary>Environment variable names whose values are recorded with the run (never others).</summary>
    public string[] EnvironmentAllowList { get; init; } = [];

    /// <summary>When Setup began (before BeforeBuild, or PrepareForBuild): the run's start and its Setup (null: now).</summary>
    public DateTimeOffset? SetupStartedAt { get; init; }

    /// <summary>The settings, or the first bad one's message (the property to fix, and its value).</summary>
    public static RunSettings Read(ITaskItem item, out string? error)
    {
        string? firstError = null;
        var project = Path.GetFullPath(item.ItemSpec);
        string Get(string name) => item.GetMetadata(name).Trim();

        // The counts: whole numbers from their least meaningful value up (one checkpoint is always
        // kept, backups may be turned off with 0).
        int Int(string name, string property, int least, int fallback, string unit = "")
        {
            var text = Get(name);
            if (text.Length == 0)
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= least)
            {
                return value;
            }

            firstError ??= $"{property} must be a whole number{unit} from {least} up, not '{text}'";
            return fallback;
        }

        // The switches: true or false in any case, as the targets compare them (MSBuild's other
        // spellings, yes/no/on/off, would be read one way here and another way there).
        bool Bool(string name, string property, bool fallback)
        {
            var text = Get(name);
            switch (text.ToLowerInvariant())
            {
                case "": return fallback;
                case "true": return true;
                case "false": return false;
                default:
                    firstError ??= $"{property} must be true or false, not '{text}'";
                    return fallback;
            }
        }

        var durabilityText = Get("Durability");
        var durability = Durability.Normal;
        if (durabilityText.Length > 0 && !RunStarter.TryParseDurability(durabilityText, out durability))
        {
            firstError ??= RunStarter.BadDurability(durabilityText);
        }

        var errorLog = Get("ErrorLog");
        var ticks = Get("SetupStartedAt");
        var settings = new RunSettings
        {
            ProjectPath = project,
            Configuration = Get("Configuration"),
            TargetFramework = Get("TargetFramework"),
            RuntimeIdentifier = Get("RuntimeIdentifier"),
            SelfContained = Get("SelfContained"),
            StoreRoot = Get("StoreRoot") is { Length: > 0 } root ? root : null,
            RunId = Get("RunId"),
            Durability = durability,
            MaxCheckpoints = Int("MaxCheckpoints", "BuildStateMaxCheckpoints", 1, 10),
            MaxBackups = Int("MaxBackups", "BuildStateMaxBackups", 0, 5),
            LockTimeoutSeconds = Int("LockTimeout", "BuildStateLockTimeout", 1, DefaultLockTimeoutSeconds, " of seconds"),
            AutoCheckpoints = Bool("AutoCheckpoints", "BuildStateAutoCheckpoints", true),
            CheckpointArtifacts = Bool("CheckpointArtifacts", "BuildStateCheckpointArtifacts", false),
            RecordArtifacts = Bool("RecordArtifacts", "BuildStateRecordArtifacts", true),
            Strict = Bool("Strict", "BuildStateStrict", false),
            ErrorLog = errorLog.Length == 0 ? null : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, errorLog)),
            EnvironmentAllowList = Get("EnvironmentAllowList").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            SetupStartedAt = long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0 && t <= DateTime.MaxValue.Ticks
                ? new DateTimeOffset(t, TimeSpan.Zero)
                : null,
        };
        error = firstError;
        return settings;
    }
}
