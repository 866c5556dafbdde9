using BuildState.Errors;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Finds a checkpoint of <paramref name="record"/>: by id; by name (the newest of that name), the
    /// name matched case-insensitively when no other name matches so; by a unique part of its id. An
    /// unknown and an ambiguous one are both NotFound errors (exit code 5, as an unknown or ambiguous
    /// build is): the message lists the checkpoints the build has, or the candidates.
    /// </summary>
    public CheckpointRef FindCheckpoint(BuildRecord record, string idOrName)
    {
        var exact = record.Checkpoints.FirstOrDefault(c => c.Id == idOrName)
            ?? record.Checkpoints.LastOrDefault(c => c.Name == idOrName);
        if (exact is not null)
        {
            return exact;
        }

        var names = record.Checkpoints
            .Where(c => string.Equals(c.Name, idOrName, StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Name!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 1)
        {
            return record.Checkpoints.Last(c => c.Name == names[0]);
        }

        var matches = names.Count > 1
            ? record.Checkpoints.Where(c => names.Contains(c.Name!)).ToList()
            : record.Checkpoints.Where(c => c.Id.Contains(idOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        var folder = Layout.CheckpointsDir(BuildKey.For(record.Id));
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw BuildStateException.NotFound(
                record.Checkpoints.Count == 0
                    ? $"build '{record.Id}' has no checkpoint '{idOrName}': it has no checkpoints (take one with `buildstate checkpoint`)"
                    : $"build '{record.Id}' has no checkpoint '{idOrName}'; its checkpoints: {Describe(record.Checkpoints)}",
                folder),
            _ => throw BuildStateException.NotFound(
                $"'{idOrName}' matches {matches.Count} checkpoints of build '{record.Id}'; give a name or more of an id: {Describe(matches)}",
                folder),
        };
    }

    /// <summary>"built (20261206T104420532-000005), 20261206T110000000-000009": names with their ids, oldest first.</summary>
    private static string Describe(IEnumerable<CheckpointRef> checkpoints) =>
        string.Join(", ", checkpoints.Select(c => c.Name is null ? c.Id : $"{c.Name} ({c.Id})"));
}
