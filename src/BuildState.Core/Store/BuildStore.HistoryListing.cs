using BuildState.Errors;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// A build's history as far as it can be read: every whole record, oldest first, and a gap for
    /// each part that could not be read (a damaged range, or records the state counts that the log
    /// no longer holds), so that a listing can say what it leaves out instead of skipping it.
    /// </summary>
    public HistoryListing ReadHistory(string buildId)
    {
        var key = BuildKey.For(buildId);
        EnsureBuildExists(key, buildId);
        var path = Layout.HistoryLog(key);
        var scan = ScanHistory(key);
        if (scan.FirstNewer is { } newer)
        {
            throw Migrations.NewerSchema(path, newer.SchemaVersion); // its records are not this version's to list, nor to leave out silently
        }

        var lastSequence = scan.Entries.Count > 0 ? scan.Entries[^1].Entry.Sequence : 0;
        var counted = StateSequenceOrNull(key, buildId);
        var missing = counted > lastSequence;
        var tail = scan.Damage.LastOrDefault(d => d.Before is null);
        var gaps = new List<HistoryGap>();
        foreach (var damage in scan.Damage.Where(d => !(missing && d == tail)))
        {
            gaps.Add(new HistoryGap(damage.Offset, damage.End - damage.Offset, damage.FirstSequence, damage.LastSequence, damage.Problem, InProgress: damage.CutOff));
        }

        if (missing)
        {
            gaps.Add(new HistoryGap(
                scan.ValidEnd,
                tail is null ? 0 : tail.End - tail.Offset,
                lastSequence + 1,
                counted,
                tail is null
                    ? "the log ends before these records, which the state counts"
                    : $"the log ends in a damaged record ({tail.Problem}); the state counts these records",
                InProgress: false));
        }

        return new HistoryListing(path, scan.Entries.Select(e => e.Entry).ToList(), gaps);
    }

    /// <summary>The sequence of the build's newest state, or null when it cannot be read (the listing then relies on the log alone).</summary>
    private long? StateSequenceOrNull(string key, string buildId)
    {
        try
        {
            return ReadForQuery(key, buildId)?.Sequence;
        }
        catch (BuildStateException)
        {
            return null;
        }
    }
}

/// <summary>What <see cref="BuildStore.ReadHistory"/> read.</summary>
/// <param name="LogPath">The build's history log.</param>
/// <param name="Entries">Every whole record, oldest first.</param>
/// <param name="Gaps">Every part of the history that could not be read, in log order.</param>
public sealed record HistoryListing(string LogPath, IReadOnlyList<HistoryEntry> Entries, IReadOnlyList<HistoryGap> Gaps)
{
    /// <summary>True when a record was lost to damage (not only an append still in progress or cut off by a crash).</summary>
    public bool HasDamage => Gaps.Any(g => !g.InProgress);
}

/// <summary>
/// A part of a history log a listing could not show. <paramref name="FirstSequence"/> and
/// <paramref name="LastSequence"/>: the sequences it held, as the records around it (and the state)
/// tell; null where they cannot tell (a range between consecutive sequences held none, and after the
/// last record nothing says how many). <paramref name="InProgress"/>: the last thing in the log is a
/// record cut off that the state does not count: an append a crash interrupted or still being
/// written, no committed record (`buildstate recover` cuts it).
/// </summary>
public sealed record HistoryGap(long Offset, long Length, long? FirstSequence, long? LastSequence, string Problem, bool InProgress)
{
    /// <summary>"sequence 1", "sequences 3 to 8", "sequences from 3", "no known sequence".</summary>
    public string Sequences => (FirstSequence, LastSequence) switch
    {
        ({ } first, { } last) when first == last => $"sequence {first}",
        ({ } first, { } last) => $"sequences {first} to {last}",
        ({ } first, null) => $"sequences from {first}",
        _ => "no known sequence",
    };
}
