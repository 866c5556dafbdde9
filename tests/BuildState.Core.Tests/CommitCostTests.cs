using BuildState.Core.Tests.Infrastructure;
using BuildState.IO;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// What a commit in the middle of a run touches, counted at the file-system layer: on a machine
/// where every system call is dear these counts are the commit's cost (docs/benchmarks.md, section 3).
/// </summary>
public sealed class CommitCostTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";

    [Fact]
    public void A_commit_after_the_objects_own_commit_stats_the_log_once_and_checks_no_history_folder()
    {
        using var f = new StoreFixture();
        var fs = new CountingFileSystem();
        var store = f.Reopen(o => o.FileSystem = fs);
        store.StartRun(Id, new StartRunRequest { RunId = "r" });
        store.Transition(Id, "Setup");
        var key = BuildKey.For(Id);
        fs.Clear();

        store.Transition(Id, "Build");

        // The load's check that nobody else changed the log; the append returns the new stamp itself.
        var log = store.Layout.HistoryLog(key);
        Assert.Single(fs.Stamps, log);
        Assert.Single(fs.Appends, log);
        Assert.DoesNotContain(store.Layout.HistoryDir(key), fs.FolderChecks);
        Assert.Equal("Build", f.Reopen().Get(Id).Phase);
    }

    [Fact]
    public void Whether_the_build_folder_exists_and_is_no_link_is_one_question()
    {
        using var f = new StoreFixture();
        var fs = new CountingFileSystem();
        var store = f.Reopen(o => o.FileSystem = fs);
        store.StartRun(Id, new StartRunRequest { RunId = "r" });
        var buildDir = store.Layout.BuildDir(BuildKey.For(Id));
        fs.Clear();

        store.Transition(Id, "Setup");

        Assert.Single(fs.Kinds, buildDir);
        Assert.DoesNotContain(buildDir, fs.FolderChecks);
        Assert.DoesNotContain(buildDir, fs.LinkChecks);
    }

    [Fact]
    public void The_first_commit_of_a_build_makes_its_folders()
    {
        using var f = new StoreFixture();
        var fs = new CountingFileSystem();
        var store = f.Reopen(o => o.FileSystem = fs);
        store.StartRun(Id, new StartRunRequest { RunId = "r" });

        var key = BuildKey.For(Id);
        Assert.Contains(store.Layout.HistoryDir(key), fs.FolderChecks);
        Assert.Equal("Init", f.Reopen().Get(Id).Phase);
    }

    private sealed class CountingFileSystem : DelegatingFileSystem
    {
        public List<string> Stamps { get; } = [];

        public List<string> Appends { get; } = [];

        public List<string> FolderChecks { get; } = [];

        public List<string> LinkChecks { get; } = [];

        public List<string> Kinds { get; } = [];

        public void Clear()
        {
            Stamps.Clear();
            Appends.Clear();
            FolderChecks.Clear();
            LinkChecks.Clear();
            Kinds.Clear();
        }

        public override bool IsSymbolicLink(string path)
        {
            LinkChecks.Add(path);
            return base.IsSymbolicLink(path);
        }

        public override PathKind GetPathKind(string path)
        {
            Kinds.Add(path);
            return base.GetPathKind(path);
        }

        public override (long Length, long WriteTicks)? GetFileStamp(string path)
        {
            Stamps.Add(path);
            return base.GetFileStamp(path);
        }

        public override (long Length, long WriteTicks) AppendAndStamp(string path, ReadOnlySpan<byte> data, bool sync)
        {
            Appends.Add(path);
            return Real.AppendAndStamp(path, data, sync); // the real one-call append, as the store uses it
        }

        public override void AppendFile(string path, ReadOnlySpan<byte> data, bool sync)
        {
            Appends.Add(path);
            base.AppendFile(path, data, sync);
        }

        public override bool DirectoryExists(string path)
        {
            FolderChecks.Add(path);
            return base.DirectoryExists(path);
        }
    }
}
