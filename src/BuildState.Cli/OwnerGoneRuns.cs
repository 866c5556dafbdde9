using BuildState.Cli.Rendering;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli;

/// <summary>
/// Builds whose latest run is stored as Running while the process that owns it is gone: a build
/// killed with kill -9 (or by the OOM killer, or a CI timeout), not yet swept by a later build or
/// <c>recover</c>. <c>status</c> and <c>list</c> say so instead of showing a dead build as running.
/// The index keeps no owner, so the state of each Running entry is read: only those, so a store
/// of finished builds is still answered from the index alone.
/// </summary>
internal static class OwnerGoneRuns
{
    public const string Hint = "`buildstate recover` marks them Interrupted, as the next build does";

    public static HashSet<string> Find(CliContext ctx, IEnumerable<IndexEntry> entries)
    {
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries.Where(e => e.Status == RunStatus.Running))
        {
            BuildRecord? record;
            try
            {
                record = ctx.Store.TryGet(e.Id);
            }
            catch (BuildStateException)
            {
                continue; // shown as the index has it; `validate` names what is wrong with the file
            }

            if (record is not null && record.RunId == e.RunId && RunFollower.OwnerGone(record))
            {
                gone.Add(e.Id);
            }
        }

        return gone;
    }

    /// <summary>The STATUS cell of such a build: its stored status, and that it was cut off.</summary>
    public static Rendering.TableCell Cell => new("Running (cut off)", "yellow");

    /// <summary>The line after a table that has such rows.</summary>
    public static string Summary(int count) => $"[yellow]{count} running build(s) cut off[/]: their process is gone; {Styles.E(Hint)}.";
}
