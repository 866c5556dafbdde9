using System.Collections.Concurrent;
using BuildState.IO;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>
/// The newest state of each build this store object committed or read, kept while the build's
/// history log is unchanged (<see cref="LogStamp"/>: the same file, of the same length, with only
/// zeros from the remembered record's end): every commit writes its record at that end, so a commit
/// by anyone else, a repair or a rewrite changes what is there and the memory is dropped. Neither the
/// log's write time nor its change time is read (docs/store-format.md, "Zeros written ahead"). It
/// spares a commit re-reading and re-parsing the snapshot and the records after it when this
/// process made the last change itself, the common case in a build node. Records are handed out as
/// copies, so a caller that edits what it got cannot change the memory.
/// </summary>
public sealed partial class BuildStore
{
    private readonly ConcurrentDictionary<string, RecentState> _recent = new(StringComparer.Ordinal);

    private sealed record RecentState(string BuildId, LogStamp LogStamp, BuildRecord Record, long SnapshotSequence);

    /// <summary>The remembered state when the log still has the stamp it had then; null otherwise.</summary>
    private LoadResult? TryRecent(string key, string buildId)
    {
        if (!_recent.TryGetValue(key, out var recent) || !string.Equals(recent.BuildId, buildId, StringComparison.Ordinal))
        {
            return null;
        }

        if (!_fs.IsLogUnchanged(Layout.HistoryLog(key), recent.LogStamp))
        {
            _recent.TryRemove(KeyValuePair.Create(key, recent));
            return null;
        }

        return new LoadResult(recent.Record.Clone(), [], false, recent.SnapshotSequence, recent.LogStamp);
    }

    /// <summary>
    /// Remembers <paramref name="record"/> (copied) as the state the log holds at <paramref name="logStamp"/>,
    /// whose end is the record's. The file's part of the stamp must have been taken before the log was
    /// read, so that a write racing the read can only make the memory look older than it is (and be
    /// dropped), never newer.
    /// </summary>
    private void Remember(string key, BuildRecord record, LogStamp? logStamp, long snapshotSequence)
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
