namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Reports what a damaged log lost and, with <paramref name="repair"/> (the caller holds the
    /// build's lock), repairs it: a torn tail is cut, damage with whole records after it is written
    /// out of the log; the damaged bytes are kept in damaged/ either way. A record cut off at the end
    /// is an append that never finished (a crash, or one in progress) and lost nothing committed;
    /// any other damaged range held committed records, which are lost. <paramref name="reportTail"/>:
    /// false when the caller already reported the end of the log as lost (the state counts more
    /// records than it holds). Returns the scan of the log as it now is.
    /// </summary>
    private HistoryScan RepairHistory(string key, HistoryScan scan, bool reportTail, bool repair, List<string> repairs, List<string> lost, ref bool needsWrite)
    {
        var path = Layout.HistoryLog(key);
        foreach (var damage in scan.Damage.Where(d => d.Before is not null || (reportTail && !d.CutOff)))
        {
            lost.Add($"{path}: the history record(s) at offset {damage.Offset} ({damage.End - damage.Offset} bytes, {damage.Sequences}) could not be read: {damage.Problem}");
        }

        if (!repair)
        {
            return scan;
        }

        if (scan.TornTail)
        {
            var tail = CutTornTail(key, scan);
            repairs.Add($"cut the torn tail of {path} at offset {scan.ValidEnd} ({string.Join("; ", scan.Damage.Select(d => d.Problem))}); the bytes cut are kept in {tail}");
            return scan;
        }

        var (rewritten, aside) = RewriteWithoutDamage(key, scan);
        repairs.Add($"rewrote {path} from its {rewritten.Entries.Count} whole records, without the damaged range(s) ({string.Join("; ", scan.Problems)}); the damaged file is kept in {aside}");
        needsWrite = true;
        return rewritten;
    }

    /// <summary>The line for records the state counted that the log no longer holds whole.</summary>
    private static string MissingRecords(string logPath, bool logMissing, HistoryScan? scan, long lastSequence, Model.BuildRecord state)
    {
        var records = lastSequence + 1 == state.Sequence ? $"history record {state.Sequence} is" : $"history records {lastSequence + 1} to {state.Sequence} are";
        var why = logMissing ? "the log is missing"
            : scan?.Damage.LastOrDefault(d => d.Before is null) is { } tail ? $"the log's last whole record ends at byte {scan.ValidEnd}, then {tail.Problem} at offset {tail.Offset}"
            : $"the log's last whole record ends at byte {scan?.ValidEnd ?? 0}, the state counted {state.HistoryBytes} bytes";
        return $"{logPath}: {records} gone ({why}); the state itself is intact at sequence {state.Sequence}";
    }

    /// <summary>
    /// Damage in the middle of a log (a flipped bit, or unsynced pages lost in a power loss) with
    /// whole records after it: the log is rewritten from its whole records, atomically, and the
    /// damaged original kept aside. Appends stay the only way records are added.
    /// </summary>
    private (HistoryScan Scan, string? Aside) RewriteWithoutDamage(string key, HistoryScan scan)
    {
        var path = Layout.HistoryLog(key);
        var aside = KeepAside(path, key);
        using var rebuilt = new MemoryStream();
        foreach (var (entry, _) in scan.Entries)
        {
            rebuilt.Write(HistoryLog.Frame(entry));
        }

        WriteAtomic(path, rebuilt.ToArray(), sync: Options.Durability != Durability.None);
        return (HistoryLog.Scan(rebuilt.ToArray(), path), aside);
    }

    /// <summary>Cuts the log after its last whole record, keeping the bytes cut in damaged/; returns where.</summary>
    private string CutTornTail(string key, HistoryScan scan)
    {
        var path = Layout.HistoryLog(key);
        var bytes = _fs.ReadAllBytes(path, StoreLimits.MaxHistoryFileBytes);
        var tail = bytes.AsSpan((int)scan.ValidEnd);
        var aside = DamagedPath(key, "log.bsh.tail");
        _fs.WriteFile(aside, tail, sync: Options.Durability != Durability.None);
        _fs.TruncateFile(path, scan.ValidEnd);
        return aside;
    }
}
