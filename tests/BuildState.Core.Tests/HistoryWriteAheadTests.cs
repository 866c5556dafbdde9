using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// On Linux a history log is written ahead: zeros past its last record, into which the next records
/// go in place (a Full commit then fdatasyncs data blocks only, no length change). The log ends where
/// the rest of the file is zeros. A remembered state's stamp is the file (length, identity) and its
/// record's end: another store object's record starts there, so it is never taken for the newest
/// although neither the length nor any time the store reads changed.
/// </summary>
public class HistoryWriteAheadTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";

    [Fact]
    public void Records_go_into_zeros_written_ahead_and_the_log_ends_where_the_zeros_start()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the log is appended to, as before
        }

        using var f = new StoreFixture(Durability.Full);
        var log = f.Store.Layout.HistoryLog(BuildKey.For(Id));
        var lengths = new HashSet<long>();
        for (var run = 0; run < 10; run++)
        {
            f.Run(Id, $"r{run}", StoreFixture.FullRun);
            lengths.Add(new FileInfo(log).Length);
        }

        var bytes = File.ReadAllBytes(log);
        var scan = HistoryLog.Scan(bytes, log);
        Assert.True(scan.IsClean);
        Assert.Equal(60, scan.Entries.Count);
        Assert.True(bytes.Length > scan.ValidEnd, "the file goes on past its last record");
        Assert.True(HistoryLog.IsEmptyTail(bytes.AsSpan((int)scan.ValidEnd)));
        Assert.Equal(scan.ValidEnd, f.Store.Get(Id).HistoryBytes);
        Assert.True(lengths.Count < 10, "most commits left the file's length as it was");
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
        Assert.Empty(f.Store.Recover().Repaired);
    }

    [Fact]
    public void Two_store_objects_taking_turns_see_each_others_records_though_the_length_stays()
    {
        using var f = new StoreFixture(Durability.None);
        var a = f.Store;
        var b = f.Reopen();
        a.StartRun(Id, new StartRunRequest { RunId = "r" });
        for (var i = 0; i < 200; i++)
        {
            // Each remembers the state it committed; the other's record (in place: the same length,
            // the same file) starts at the remembered end, or the next commit would overwrite it.
            var store = i % 2 == 0 ? b : a;
            store.Update(Id, r => r.Metadata["count"] = (int.Parse(r.Metadata.GetValueOrDefault("count", "0"), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("200", a.Get(Id).Metadata["count"]);
        var log = f.Store.Layout.HistoryLog(BuildKey.For(Id));
        var scan = HistoryLog.Scan(File.ReadAllBytes(log), log);
        Assert.True(scan.IsClean);
        Assert.Equal(Enumerable.Range(1, 201).Select(i => (long)i), scan.Entries.Select(e => e.Entry.Sequence));
    }

    [Fact]
    public void A_log_written_before_the_write_ahead_is_read_and_continued()
    {
        using var f = new StoreFixture(Durability.Full);
        f.Run(Id, "r1", StoreFixture.FullRun);
        var log = f.Store.Layout.HistoryLog(BuildKey.For(Id));
        var scan = HistoryLog.Scan(File.ReadAllBytes(log), log);
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(scan.ValidEnd); // as an older version left it: records to the end of the file
        }

        var other = f.Reopen();
        Assert.Equal("Complete", other.Get(Id).Phase);
        f.Run(Id, "r2", StoreFixture.FullRun);
        other.StartRun(Id, new StartRunRequest { RunId = "r3" });
        var after = HistoryLog.Scan(File.ReadAllBytes(log), log);
        Assert.True(after.IsClean);
        Assert.Equal(13, after.Entries.Count);
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void A_reader_stops_at_a_record_being_written_in_place_without_calling_it_damage()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        var log = f.Store.Layout.HistoryLog(BuildKey.For(Id));
        var bytes = File.ReadAllBytes(log);
        var end = (int)HistoryLog.Scan(bytes, log).ValidEnd;
        var next = HistoryLog.Frame(new HistoryEntry { Sequence = 3, Kind = HistoryKinds.Update, At = DateTimeOffset.UnixEpoch, RunId = "r" });
        var partial = bytes[..end].Concat(next[..(next.Length / 2)]).Concat(new byte[next.Length + 100]).ToArray();

        var last = HistoryLog.ReadLast(partial, log, out var torn);
        Assert.True(torn);
        Assert.Equal(2, last!.Value.Entry.Sequence);
        var scan = HistoryLog.Scan(partial, log);
        Assert.True(scan.TornTail);
        Assert.Equal(end, scan.ValidEnd);
    }
    [Fact]
    public void A_stamp_tells_a_record_written_after_its_end_and_a_log_replaced_by_another_file()
    {
        using var dir = new TempDir();
        var fs = BuildState.IO.PhysicalFileSystem.Instance;
        var log = dir.Combine("log.bsh");
        var first = HistoryLog.Frame(new HistoryEntry { Sequence = 1, Kind = HistoryKinds.Update });
        var stamp = fs.WriteRecord(log, 0, first, null, sync: false);
        Assert.Equal(first.Length, stamp.End);
        Assert.True(fs.IsLogUnchanged(log, stamp));

        var second = HistoryLog.Frame(new HistoryEntry { Sequence = 2, Kind = HistoryKinds.Update });
        var after = fs.WriteRecord(log, stamp.End, second, stamp, sync: true);
        Assert.False(fs.IsLogUnchanged(log, stamp)); // a record starts where the first one ended
        Assert.True(fs.IsLogUnchanged(log, after));
        Assert.Equal(fs.GetFileIdentity(log), (after.Length, after.Identity));

        // The same bytes in another file renamed over it (a repair's rewrite) is another log.
        var copy = dir.Combine("copy");
        File.WriteAllBytes(copy, File.ReadAllBytes(log));
        File.Move(copy, log, overwrite: true);
        Assert.False(fs.IsLogUnchanged(log, after) && OperatingSystem.IsLinux());
        File.Delete(log);
        Assert.False(fs.IsLogUnchanged(log, after));
        Assert.Null(fs.GetFileIdentity(log));
    }

    [Fact]
    public void A_log_written_often_grows_by_more_at_a_time_up_to_a_bound()
    {
        Assert.Equal(32 * 1024, BuildState.IO.UnixFiles.WriteAheadFor(0));
        Assert.True(BuildState.IO.UnixFiles.WriteAheadFor(200_000) >= 100_000);
        Assert.True(BuildState.IO.UnixFiles.WriteAheadFor(50_000_000) < BuildState.IO.UnixFiles.MaxWriteAhead + 4096);
        Assert.Equal(0, (BuildState.IO.UnixFiles.WriteAheadFor(12_345) + 12_345) % 4096);
    }

    [Fact]
    public void An_index_entry_with_the_old_stamp_is_stale_and_refreshed()
    {
        using var f = new StoreFixture(Durability.None);
        f.Run(Id, "r1", StoreFixture.FullRun);
        var key = BuildKey.For(Id);
        var log = f.Store.Layout.HistoryLog(key);

        // What a version before the record's end was in the stamp wrote: the log's length and write time.
        f.Store.RebuildIndex();
        var indexPath = f.Store.Layout.IndexFile;
        var json = File.ReadAllText(indexPath);
        var entry = System.Text.RegularExpressions.Regex.Match(json, "\"logLength\": [0-9-]+,\\s*\"logId\": [0-9-]+,\\s*\"logEnd\": [0-9-]+");
        Assert.True(entry.Success, json);
        var old = $"\"logLength\": {new FileInfo(log).Length},\n      \"logWriteTicks\": {File.GetLastWriteTimeUtc(log).Ticks}";
        File.WriteAllText(indexPath, json.Replace(entry.Value, old).Replace("\"phase\": \"Complete\"", "\"phase\": \"Build\""));

        var listed = Assert.Single(f.Reopen().List());
        Assert.Equal("Complete", listed.Phase); // read again from the build, not taken from the entry
        Assert.True(listed.LogEnd > 0);
        Assert.Contains("\"logEnd\"", File.ReadAllText(indexPath) + File.ReadAllText(f.Store.Layout.IndexJournal));
    }
}
