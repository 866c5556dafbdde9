using System.Collections.Concurrent;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>
/// The newest state of each build this store object committed or read, kept while the build's
/// history log is unchanged (same length and write time): every commit appends to the log, so a
/// commit by anyone else, a repair or a rewrite changes its stamp and the memory is dropped. It
/// spares a commit re-reading and re-parsing the snapshot and the records after it when this
/// process made the last change itself, the common case in a build node. Records are handed out as
/// copies, so a caller that edits what it got cannot change the memory.
/// </summary>
public sealed partial class BuildStore
{
    private readonly ConcurrentDictionary<string, RecentState> _recent = new(StringComparer.Ordinal);

    private sealed record RecentState(string BuildId, (long Length, long WriteTicks) LogStamp, BuildRecord Record, long SnapshotSequence);

    /// <summary>The remembered state when the log still has the stamp it had then; null otherwise.</summary>
    private LoadResult? TryRecent(string key, string buildId)
    {
        if (!_recent.TryGetValue(key, out var recent) || !string.Equals(recent.BuildId, buildId, StringComparison.Ordinal))
        {
            return null;
        }

        if (_fs.GetFileStamp(Layout.HistoryLog(key)) != recent.LogStamp)
        {
            _recent.TryRemove(KeyValuePair.Create(key, recent));
            return null;
        }

        return new LoadResult(recent.Record.Clone(), [], false, recent.SnapshotSequence, recent.LogStamp);
    }

    /// <summary>
    /// Remembers <paramref name="record"/> (copied) as the state the log holds at <paramref name="logStamp"/>.
    /// The stamp must have been taken before the log was read, so that an append racing the read can
    /// only make the memory look older than it is (and be dropped), never newer.
    /// </summary>
    private void Remember(string key, BuildRecord record, (long Length, long WriteTicks)? logStamp, long snapshotSequence)
    {
        if (logStamp is { } stamp)
        {
            _recent[key] = new RecentState(record.Id, stamp, record.Clone(), snapshotSequence);
        }
        else
        {
            Forget(key);
        }
    }

    private void Forget(string key) => _recent.TryRemove(key, out _);
}
