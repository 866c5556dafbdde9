using System.Globalization;
using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>
/// Checkpoint files the state does not list. Most are leftovers, safe to delete: a checkpoint rotated
/// out (its file goes after the commit that drops it) or one whose commit never happened (a later
/// commit then took its sequence). A file whose sequence is newer than the state's is neither: its
/// commit was cut off after the file was written, or it was committed and the state was since
/// rebuilt from an older record (a damaged state and history, a backup). Only the history could tell
/// the two apart, and it may be what was lost, so such a file is never deleted: rotation leaves it
/// where it is, and recover sets it aside in damaged/ with the artifact copies it lists.
/// </summary>
public sealed partial class BuildStore
{
    /// <summary>
    /// The sequence a checkpoint id carries (<c>&lt;time&gt;-&lt;sequence&gt;</c>: the commit that lists it),
    /// or null for a name this store does not give (not a file to judge by its name).
    /// </summary>
    internal static long? CheckpointSequence(string id)
    {
        var dash = id.LastIndexOf('-');
        return dash > 0 && long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;
    }

    /// <summary>True for a checkpoint file the state does not list and whose commit is newer than the state's.</summary>
    private static bool NewerThanState(string id, BuildRecord record) => CheckpointSequence(id) is { } sequence && sequence > record.Sequence;

    /// <summary>The ids of the checkpoint files in the build's folder that the state does not list and that are newer than it.</summary>
    internal List<string> UnlistedNewerCheckpointIds(string key, BuildRecord record) =>
        UnlistedNewerCheckpointIds(_fs.EnumerateFiles(Layout.CheckpointsDir(key), "*.json"), record);

    /// <summary>The same, of checkpoint files already listed (a caller that also deletes leftovers looks at the folder once).</summary>
    private static List<string> UnlistedNewerCheckpointIds(IEnumerable<string> files, BuildRecord record)
    {
        var listed = record.Checkpoints.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        return files
            .Select(p => Path.GetFileNameWithoutExtension(p)!)
            .Where(id => IsSafeCheckpointId(id) && !listed.Contains(id) && NewerThanState(id, record))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Recover's share: adds each unlisted checkpoint newer than the state to the ones to set aside
    /// (its file read when it can be, so only the copies it lists go with it). A file that is no
    /// damage but cannot be judged here (a newer schema, no permission) stays where it is, reported.
    /// </summary>
    private void AddUnlistedNewerCheckpoints(string key, BuildRecord record, CheckpointTriage triage, RecoveryReport report)
    {
        foreach (var id in UnlistedNewerCheckpointIds(key, record))
        {
            CheckpointFile? file;
            try
            {
                file = ReadCheckpoint(key, id);
            }
            catch (BuildStateException e) when (IsDamage(e))
            {
                file = null; // what it needed is not known: every copy is kept with it
            }
            catch (BuildStateException e)
            {
                report.NotRecovered(e);
                triage.KeptNeedsUnknown = true; // its copies must all stay
                continue;
            }

            var reference = new CheckpointRef { Id = id, Name = file?.Name, Phase = file?.Phase ?? "", CreatedAt = file?.CreatedAt ?? default };
            var sequence = CheckpointSequence(id);
            triage.Dropped.Add(new DroppedCheckpoint(reference, $"the state does not list it, and its commit (sequence {sequence}) is newer than the state's ({record.Sequence})", file) { Listed = false });
        }
    }

    /// <summary>The report line of an unlisted checkpoint set aside (the caller prefixes the build id).</summary>
    private static string UnlistedLine(DroppedCheckpoint unlisted, string? aside)
    {
        var reference = unlisted.Reference;
        var name = reference.Name is null ? "" : $" ({reference.Name})";
        var kept = aside is null ? "" : $"; it is kept, with the artifact copies it lists, in {aside}";
        return $"checkpoint file {reference.Id}.json{name}: {unlisted.Problem}: its commit was cut off, or the state was rebuilt from an older record{kept}";
    }
}
