using BuildState.Cli.Rendering;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Cli;

/// <summary>
/// Builds a verb could not read (<see cref="BuildStore.ListWithUnreadable"/>): shown, never left out.
/// The verb prints what it could read, then one warning line per such build on standard error, and
/// ends with the exit code of the worst (corruption before permission).
/// </summary>
internal static class UnreadableBuilds
{
    public const string Hint = "`buildstate validate` tells more, `buildstate recover` repairs what it can";

    /// <summary>The id the index last had for the build, else its folder name.</summary>
    public static string Name(UnreadableBuild u) => u.LastKnownId ?? u.Key;

    public static UnreadableJson Json(UnreadableBuild u) => new(u.LastKnownId, u.Key, u.File, u.Kind.ToString(), u.Message);

    public static List<UnreadableJson> Json(IEnumerable<UnreadableBuild> unreadable) => unreadable.Select(Json).ToList();

    /// <summary>From an error met reading a build the index lists.</summary>
    public static UnreadableBuild From(string id, BuildStateException e) =>
        new(BuildKey.For(id), id, e.FilePath ?? "", e.Kind, e.Message);

    /// <summary>Writes one warning per unreadable build to standard error (after what standard output holds); returns the exit code.</summary>
    public static int Warn(CliContext ctx, IReadOnlyCollection<UnreadableBuild> unreadable)
    {
        if (unreadable.Count == 0)
        {
            return ExitCodes.Success;
        }

        CliApp.FlushOutput(ctx.Environment);
        foreach (var u in unreadable)
        {
            ctx.Error.WriteLine($"{u.File}: build {Name(u)} cannot be read: {u.Message}{HintFor(u.Kind)} ({u.Kind}, exit code {u.ExitCode})");
        }

        return unreadable.Any(u => u.Kind == StoreErrorKind.Corruption) ? ExitCodes.Corruption : unreadable.First().ExitCode;
    }

    /// <summary>
    /// What to do, by what is wrong: recover repairs damage, but it leaves a file of a newer schema
    /// and a refused read as they are (their messages already say what to do: upgrade, or fix the
    /// file's owner or mode), so only damage gets the hint that names it.
    /// </summary>
    private static string HintFor(StoreErrorKind kind) =>
        kind is StoreErrorKind.NewerSchema or StoreErrorKind.PermissionDenied ? "" : "; " + Hint;

    /// <summary>The line after a table that has unreadable rows.</summary>
    public static string Summary(int count) => $"[red]{count} build(s) could not be read[/]: {Styles.E(Hint)}.";
}
