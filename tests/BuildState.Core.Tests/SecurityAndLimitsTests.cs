using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

public class SecurityAndLimitsTests
{
    private const string Id = "src/App/App.csproj|Debug|net10.0";

    [Fact]
    public void Files_are_owner_only_and_folders_0700_on_unix()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var f = new StoreFixture();
        f.Run(Id, "r", StoreFixture.FullRun);
        f.Store.CreateCheckpoint(Id, "cp");
        foreach (var dir in Directory.EnumerateDirectories(f.StoreRoot, "*", SearchOption.AllDirectories).Append(f.StoreRoot))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        }

        foreach (var file in Directory.EnumerateFiles(f.StoreRoot, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void A_symbolic_link_inside_the_store_is_never_followed()
    {
        using var f = new StoreFixture();
        using var elsewhere = new TempDir();
        f.Run(Id, "r");
        var state = f.Store.Layout.StateFile(BuildKey.For(Id));
        var target = elsewhere.Combine("secret.json");
        File.Move(state, target);
        File.CreateSymbolicLink(state, target);

        var e = Assert.Throws<BuildStateException>(() => f.Reopen().Get(Id));
        Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
        Assert.Equal(ExitCodes.PermissionDenied, e.ExitCode);
        Assert.Contains("symbolic link", e.Message);
        Assert.Throws<BuildStateException>(() => f.Reopen().Transition(Id, "Setup"));
    }

    [Fact]
    public void A_build_folder_that_is_a_symbolic_link_is_refused()
    {
        using var f = new StoreFixture();
        using var elsewhere = new TempDir();
        f.Run(Id, "r");
        var buildDir = f.Store.Layout.BuildDir(BuildKey.For(Id));
        var target = elsewhere.Combine("build");
        Directory.Move(buildDir, target);
        Directory.CreateSymbolicLink(buildDir, target);

        var e = Assert.Throws<BuildStateException>(() => f.Reopen().Get(Id));
        Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
        Assert.Contains("symbolic link", e.Message);
        Assert.Throws<BuildStateException>(() => f.Store.Transition(Id, "Setup")); // even for the object that remembers the build
    }

    [Fact]
    public void A_store_root_that_is_a_link_is_refused_for_writing()
    {
        using var repo = new TempDir();
        using var elsewhere = new TempDir();
        Directory.CreateSymbolicLink(repo.Combine(".buildstate"), elsewhere.Path);
        var store = BuildStore.Open(repo.Combine(".buildstate"));
        var e = Assert.Throws<BuildStateException>(() => store.StartRun(Id, new StartRunRequest { RunId = "r" }));
        Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
        Assert.Equal(repo.Combine(".buildstate"), e.FilePath);
        Assert.Equal($"the store folder is a symbolic link to {elsewhere.Path}, and the store never follows links: point BuildStateRoot (builds) or --root (buildstate) at the folder it leads to", e.Message);
    }

    [Fact]
    public void A_store_root_that_is_a_link_is_refused_for_reading_with_the_same_advice_not_to_remove_it()
    {
        using var repo = new TempDir();
        using var elsewhere = new TempDir();
        BuildStore.Open(elsewhere.Path).StartRun(Id, new StartRunRequest { RunId = "r" });
        Directory.CreateSymbolicLink(repo.Combine(".buildstate"), elsewhere.Path);

        var e = Assert.Throws<BuildStateException>(() => BuildStore.Open(repo.Combine(".buildstate")).Get(Id));

        Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
        Assert.StartsWith($"the store folder is a symbolic link to {elsewhere.Path}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("remove the link", e.Message);
        Assert.Equal("r", BuildStore.Open(elsewhere.Path).Get(Id).RunId); // named there, it is the store
    }

    [Fact]
    public void An_oversized_state_file_is_refused_before_it_is_read()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        var state = f.Store.Layout.StateFile(BuildKey.For(Id));
        using (var stream = new FileStream(state, FileMode.Open))
        {
            stream.SetLength(StoreLimits.MaxStateFileBytes + 1);
        }

        // The state is unusable; history still has the committed state.
        Assert.Equal("Init", f.Reopen().Get(Id).Phase);
        var report = new StoreValidator(f.Store).Validate();
        Assert.Contains(report.Problems, p => p.File == state && p.Message.Contains("more than the limit"));
    }

    [Fact]
    public void Deeply_nested_json_is_a_corruption_error_not_a_stack_overflow()
    {
        using var f = new StoreFixture();
        f.Run(Id, "r");
        var state = f.Store.Layout.StateFile(BuildKey.For(Id));
        File.WriteAllText(state, "{\"schemaVersion\":2,\"metadata\":" + new string('[', 100_000) + new string(']', 100_000) + "}");
        File.Delete(f.Store.Layout.HistoryLog(BuildKey.For(Id)));
        var e = Assert.Throws<BuildStateException>(() => f.Reopen().Get(Id));
        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
    }

    [Fact]
    public void A_read_only_store_gives_a_permission_error_and_reads_still_work()
    {
        // Root ignores file modes, and CI runs as root: the refusal comes from a file layer that
        // answers writes the way a read-only mount does (EROFS).
        using var f = new StoreFixture();
        f.Run(Id, "r");
        var readOnly = f.Reopen(o => o.FileSystem = new ReadOnlyFileSystem());
        var e = Assert.Throws<BuildStateException>(() => readOnly.Transition(Id, "Setup"));
        Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
        Assert.Equal(ExitCodes.PermissionDenied, e.ExitCode);
        Assert.Equal("Init", readOnly.Get(Id).Phase);
        File.Delete(f.Store.Layout.IndexFile);
        Assert.Single(readOnly.List()); // the index cannot be rebuilt on disk, so it is answered from active/
    }

    /// <summary>Answers every write the way a read-only mount does (EROFS).</summary>
    private sealed class ReadOnlyFileSystem : DelegatingFileSystem
    {
        private static Exception Refuse(string path) => BuildStateException.FromIo(new IOException("Read-only file system", 30), path, "write");

        public override void WriteFile(string path, ReadOnlySpan<byte> data, bool sync) => throw Refuse(path);

        public override void AppendFile(string path, ReadOnlySpan<byte> data, bool sync) => throw Refuse(path);

        public override void SyncFile(string path) => throw Refuse(path);

        public override void TruncateFile(string path, long length) => throw Refuse(path);

        public override void Rename(string source, string destination) => throw Refuse(destination);

        public override void SyncDirectory(string path) => throw Refuse(path);

        public override void DeleteFile(string path) => throw Refuse(path);

        public override void DeleteDirectory(string path) => throw Refuse(path);

        public override void MoveDirectory(string source, string destination) => throw Refuse(destination);

        public override void CreateDirectory(string path)
        {
            if (!DirectoryExists(path))
            {
                throw Refuse(path);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\nid")]
    public void Unusable_build_ids_are_validation_errors(string id)
    {
        using var f = new StoreFixture();
        var e = Assert.Throws<BuildStateException>(() => f.Store.StartRun(id, new StartRunRequest { RunId = "r" }));
        Assert.Equal(StoreErrorKind.Validation, e.Kind);
    }

    [Theory]
    [InlineData("src/App/App.csproj|Debug|net10.0")]
    [InlineData("../../etc/passwd")]
    [InlineData("C:\\repo\\a.csproj|Release|net48")]
    [InlineData("名前/プロジェクト.csproj|Debug|net10.0")]
    public void Build_keys_are_safe_stable_and_bounded(string id)
    {
        var key = BuildKey.For(id);
        Assert.Equal(key, BuildKey.For(id));
        Assert.DoesNotContain("/", key);
        Assert.DoesNotContain("\\", key);
        Assert.DoesNotContain("..", key);
        Assert.DoesNotContain(".", key);
        Assert.True(key.Length <= BuildKey.MaxPrefixLength + 33);
        Assert.True(BuildKey.LooksLikeKey(key));
    }

    [Theory] // the folders of existing stores: a key never changes between versions
    [InlineData("src/App/App.csproj|Debug|net10.0", "src_App_App_csproj_Debug_net10_0-fa0a1c1f2f7b89c9e1e360d555422df4")]
    [InlineData("src/Very.Long.Project.Name.Éditions/Very.Long.Project.Name.Éditions.csproj|Release|net10.0-windows", "src_Very_Long_Project_Name__ditions_Very_Long_Project_Name__-5bff622c9da07e75ede861ea3a391eef")]
    public void Build_keys_are_those_every_version_computed(string id, string key)
    {
        Assert.Equal(key, BuildKey.For(id));
        Assert.StartsWith(BuildKey.Readable(id)[..Math.Min(id.Length, BuildKey.MaxPrefixLength)] + "-", key);
    }

    [Fact]
    public void Ids_that_sanitize_alike_still_get_different_keys()
    {
        Assert.NotEqual(BuildKey.For("a/b|Debug|x"), BuildKey.For("a_b|Debug|x"));
        Assert.NotEqual(BuildKey.For(new string('a', 200) + "1"), BuildKey.For(new string('a', 200) + "2"));
    }

    [Fact]
    public void Every_error_kind_maps_to_its_own_exit_code()
    {
        var codes = Enum.GetValues<StoreErrorKind>().Select(ExitCodes.For).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], codes.Order());
    }

    [Fact]
    public void Disk_full_and_permission_errors_from_the_os_get_their_kinds()
    {
        var full = BuildStateException.FromIo(new IOException("No space left on device", 28), "/x", "write");
        Assert.Equal(StoreErrorKind.DiskFull, full.Kind);
        Assert.Equal(ExitCodes.DiskFull, full.ExitCode);
        Assert.Equal(StoreErrorKind.PermissionDenied, BuildStateException.FromIo(new UnauthorizedAccessException("no"), "/x", "write").Kind);
        Assert.Equal(StoreErrorKind.PermissionDenied, BuildStateException.FromIo(new IOException("Read-only file system", 30), "/x", "write").Kind);
        Assert.Equal(StoreErrorKind.General, BuildStateException.FromIo(new IOException("odd"), "/x", "write").Kind);
        Assert.Contains("/x", full.ToOneLine());
        Assert.Contains("exit code 7", full.ToOneLine());
        Assert.EndsWith("; free some space on that disk", full.Message, StringComparison.Ordinal);
        Assert.EndsWith("; free some space on that disk", BuildStateException.FromErrno(28, "/x", "write the file").Message, StringComparison.Ordinal);
    }
}
