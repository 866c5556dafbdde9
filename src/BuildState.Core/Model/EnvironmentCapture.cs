using System.Collections;

namespace BuildState.Model;

/// <summary>
/// Environment values worth keeping with a run (CI build numbers, branch names), and only those:
/// environments hold secrets, so nothing is recorded unless its name is on the allow-list.
/// </summary>
public static class EnvironmentCapture
{
    /// <summary>Names recorded by default: CI systems' build and commit identifiers, never credentials.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowList =
    [
        "CI", "BUILD_BUILDNUMBER", "BUILD_BUILDID", "BUILD_SOURCEBRANCH", "BUILD_SOURCEVERSION",
        "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER", "GITHUB_REF", "GITHUB_SHA", "GITHUB_WORKFLOW",
        "GITLAB_CI", "CI_PIPELINE_ID", "CI_JOB_ID", "CI_COMMIT_SHA", "CI_COMMIT_REF_NAME",
        "BUILD_NUMBER", "JOB_NAME", "GIT_COMMIT", "GIT_BRANCH", "TEAMCITY_VERSION",
    ];

    /// <summary>
    /// The allow-listed variables that are set, as metadata entries <c>env.NAME</c>. Names match
    /// exactly (case-insensitively on Windows); patterns are not supported, so a list cannot match
    /// more than its author saw.
    /// </summary>
    public static Dictionary<string, string> Capture(IEnumerable<string> allowList, IDictionary? environment = null)
    {
        var comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var allowed = new HashSet<string>(allowList.Where(n => !string.IsNullOrWhiteSpace(n)), comparer);
        var captured = new Dictionary<string, string>(StringComparer.Ordinal);
        if (allowed.Count == 0)
        {
            return captured; // the common case: nothing to look up, so the environment is not copied
        }

        if (environment is null && !OperatingSystem.IsWindows())
        {
            // Names match exactly here, so looking each one up finds what a scan would, without
            // copying the whole environment (the SDK does this for every project).
            foreach (var name in allowed)
            {
                if (Environment.GetEnvironmentVariable(name) is { } value)
                {
                    captured["env." + name] = Truncate(value);
                }
            }

            return captured;
        }

        environment ??= Environment.GetEnvironmentVariables();
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && allowed.Contains(name) && entry.Value is string value)
            {
                captured["env." + name] = Truncate(value);
            }
        }

        return captured;
    }

    private static string Truncate(string value) => value.Length > 1024 ? value[..1024] : value;
}
