using System.Text.Json;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Serialization;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// current_state.json carries a CRC-32 of its content (its last member, <c>crc32</c>) and is
/// rewritten in place through a spare swapped in: the checksum is what lets a reader without the
/// lock tell a whole snapshot from one caught while it was rewritten, and recovery tell a damaged one.
/// </summary>
public class StateChecksumTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";

    [Fact]
    public void A_snapshot_ends_with_a_checksum_of_everything_before_it_and_stays_plain_json()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", StoreFixture.FullRun);
        var bytes = File.ReadAllBytes(f.Store.Layout.StateFile(BuildKey.For(Id)));
        using var document = JsonDocument.Parse(bytes);
        var last = document.RootElement.EnumerateObject().Last();
        Assert.Equal("crc32", last.Name);
        Assert.Matches("^[0-9a-f]{8}$", last.Value.GetString());
        StoreJson.VerifyStateChecksum(bytes, "x"); // does not throw
        Assert.Equal("Complete", BuildStore.ParseState(bytes, "x").Phase);
    }

    [Fact]
    public void A_state_file_without_a_checksum_is_read_as_before()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", StoreFixture.FullRun);
        var path = f.Store.Layout.StateFile(BuildKey.For(Id));
        var withoutChecksum = StoreJson.Serialize(f.Store.Get(Id));
        File.WriteAllBytes(path, withoutChecksum);
        Assert.Equal("Complete", f.Reopen().Get(Id).Phase);
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void An_edit_that_leaves_the_checksum_stale_is_damage_that_recover_rebuilds_from_history()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup");
        f.Store.EndRun(Id, RunOutcome.Failed);
        var path = f.Store.Layout.StateFile(BuildKey.For(Id));
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"Failed\"", "\"Succeeded\"", StringComparison.Ordinal));

        var e = Assert.Throws<BuildStateException>(() => BuildStore.ParseState(File.ReadAllBytes(path), path));
        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.Contains(new StoreValidator(f.Store).Validate().Problems, p => p.File == path && p.Message.Contains("checksum"));
        Assert.Equal(RunStatus.Failed, f.Reopen().Get(Id).Status); // a reader rebuilds it from the log in memory

        var report = f.Store.Recover();
        Assert.NotEmpty(report.Repaired);
        Assert.Single(Directory.GetFiles(Path.Combine(f.Store.Layout.DamagedDir, BuildKey.For(Id)), "*current_state.json"));
        Assert.Equal(RunStatus.Failed, BuildStore.ParseState(File.ReadAllBytes(path), path).Status);
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
    }

    [Fact]
    public void A_snapshot_is_swapped_with_the_spare_which_then_holds_the_previous_one()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the swap (renameat2 RENAME_EXCHANGE) is Linux only; elsewhere the spare is renamed over the snapshot
        }

        using var f = new StoreFixture();
        var key = BuildKey.For(Id);
        f.Run(Id, "r1", StoreFixture.FullRun);
        var first = f.Store.Get(Id).Sequence;
        f.Run(Id, "r2", StoreFixture.FullRun);

        var current = BuildStore.ParseState(File.ReadAllBytes(f.Store.Layout.StateFile(key)), "current");
        var spare = BuildStore.ParseState(File.ReadAllBytes(f.Store.Layout.SpareStateFile(key)), "spare");
        Assert.Equal(f.Store.Get(Id).Sequence, current.Sequence);
        Assert.True(spare.Sequence < current.Sequence && spare.Sequence >= first, $"spare {spare.Sequence}, current {current.Sequence}");
        Assert.True(new StoreValidator(f.Store).Validate().IsValid);
        Assert.Empty(f.Store.Recover().Repaired);
    }

    [Fact]
    public void A_reader_without_the_lock_that_catches_the_snapshot_being_rewritten_reads_it_again()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r", StoreFixture.FullRun);
        var layer = new TearingReads { Tears = 1 };
        var reader = f.Reopen(o => o.FileSystem = layer);
        var state = reader.Get(Id);
        Assert.Equal("Complete", state.Phase);
        Assert.Equal(1, reader.SnapshotRereads);
        Assert.Equal(0, layer.Tears);

        // Torn on every read: damage, rebuilt from the log in memory; nothing written by a reader.
        var before = File.ReadAllBytes(f.Store.Layout.StateFile(BuildKey.For(Id)));
        var always = new TearingReads { Tears = int.MaxValue };
        var damaged = f.Reopen(o => o.FileSystem = always);
        Assert.Equal("Complete", damaged.Get(Id).Phase);
        Assert.Equal(2, damaged.SnapshotRereads);
        Assert.Equal(before, File.ReadAllBytes(f.Store.Layout.StateFile(BuildKey.For(Id))));
    }

    /// <summary>Returns a snapshot with one byte changed, as a read that overlapped an in-place rewrite could.</summary>
    private sealed class TearingReads : DelegatingFileSystem
    {
        public int Tears { get; set; }

        public override byte[] ReadAllBytes(string path, long maxBytes)
        {
            var bytes = base.ReadAllBytes(path, maxBytes);
            if (Tears > 0 && path.EndsWith("current_state.json", StringComparison.Ordinal))
            {
                Tears--;
                var at = Array.IndexOf(bytes, (byte)'C'); // "Complete" becomes "Bomplete": still JSON, not the state written
                bytes[at] = (byte)'B';
            }

            return bytes;
        }
    }
}
