using BuildState.Core.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Serialization;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>Writers' files (locks/writers/): the trace a killed writer leaves, and the sweep that runs only then.</summary>
public class WriterTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";

    /// <summary>A process that is certainly gone: this pid with another start time.</summary>
    private static readonly OwnerInfo Dead = new() { ProcessId = Environment.ProcessId, Host = Environment.MachineName, ProcessStartedAt = DateTimeOffset.UnixEpoch };

    private static void StartDeadRun(StoreFixture f) => f.Store.StartRun(Id, new StartRunRequest { RunId = "r1", Owner = Dead });

    private static string WriterFile(StoreFixture f, string name, OwnerInfo owner)
    {
        Directory.CreateDirectory(f.Store.Layout.WritersDir);
        var path = Path.Combine(f.Store.Layout.WritersDir, name);
        File.WriteAllBytes(path, StoreJson.Serialize(new LockOwnerFile { Owner = owner, AcquiredAt = DateTimeOffset.UtcNow, Purpose = "writer" }));
        return path;
    }

    [Fact]
    public void A_registration_is_a_file_naming_this_process_until_it_is_disposed()
    {
        using var f = new StoreFixture();
        var registration = f.Store.RegisterWriter();
        Assert.True(registration.FirstInStore);
        var owner = StoreJson.DeserializeLockOwner(File.ReadAllBytes(registration.Path), registration.Path).Owner;
        Assert.Equal(OwnerInfo.Current, owner);
        Assert.Equal(f.Store.Layout.WritersDir, Path.GetDirectoryName(registration.Path));

        using var second = f.Reopen().RegisterWriter();
        Assert.False(second.FirstInStore);
        registration.Dispose();
        Assert.False(File.Exists(registration.Path));
        Assert.True(File.Exists(second.Path));
    }

    [Fact]
    public void Without_a_dead_writer_nothing_is_swept()
    {
        using var f = new StoreFixture();
        using var first = f.Store.RegisterWriter();
        StartDeadRun(f); // a run cut off without any trace (a writer that never registered)
        using var self = f.Reopen().RegisterWriter();
        WriterFile(f, "alive.json", OwnerInfo.Current);
        WriterFile(f, "remote.json", new OwnerInfo { ProcessId = 1, Host = "some-other-machine", ProcessStartedAt = DateTimeOffset.UtcNow });

        Assert.Empty(f.Store.SweepAfterDeadWriters(self));
        Assert.Equal(RunStatus.Running, f.Store.Get(Id).Status);
        Assert.Equal(4, Directory.GetFiles(f.Store.Layout.WritersDir, "*.json").Length); // nobody's file was touched
    }

    [Fact]
    public void A_dead_writers_file_makes_the_next_writer_sweep_and_is_removed()
    {
        using var f = new StoreFixture();
        using var first = f.Store.RegisterWriter();
        StartDeadRun(f);
        var left = WriterFile(f, "killed.json", Dead);
        using var self = f.Reopen().RegisterWriter();

        Assert.Equal([Id], f.Store.SweepAfterDeadWriters(self));
        Assert.Equal(RunStatus.Interrupted, f.Store.Get(Id).Status);
        Assert.False(File.Exists(left));
        Assert.True(File.Exists(self.Path) && File.Exists(first.Path));
    }

    [Fact]
    public void An_unreadable_writers_file_counts_as_a_trace()
    {
        using var f = new StoreFixture();
        using var first = f.Store.RegisterWriter();
        StartDeadRun(f);
        Directory.CreateDirectory(f.Store.Layout.WritersDir);
        var torn = Path.Combine(f.Store.Layout.WritersDir, "torn.json");
        File.WriteAllText(torn, "{ \"owner\": ");

        Assert.Equal([Id], f.Store.SweepAfterDeadWriters());
        Assert.False(File.Exists(torn));
    }

    [Fact]
    public void A_store_without_a_writers_folder_is_swept_once_by_its_first_registered_writer()
    {
        using var f = new StoreFixture();
        StartDeadRun(f); // written by a version that did not register writers, then cut off
        using var self = f.Store.RegisterWriter();
        Assert.True(self.FirstInStore);
        Assert.Equal([Id], f.Store.SweepAfterDeadWriters(self));
    }

    [Fact]
    public void Recovering_the_whole_store_removes_the_files_of_writers_that_died()
    {
        using var f = new StoreFixture();
        using var self = f.Store.RegisterWriter();
        StartDeadRun(f);
        var left = WriterFile(f, "killed.json", Dead);

        var report = f.Store.Recover();
        Assert.Equal([Id], report.Interrupted);
        Assert.False(File.Exists(left));
        Assert.True(File.Exists(self.Path));
    }
}
