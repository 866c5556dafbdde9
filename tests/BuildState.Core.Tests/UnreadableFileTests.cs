using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A file the user may not read (mode 000 for a non-root user) is a permission problem of that file,
/// exit 6, with what to do about it; never corruption, and never a reason to move anything aside.
/// </summary>
public class UnreadableFileTests
{
    private const string Id = "src/Contoso.Api/Contoso.Api.csproj|Debug|net10.0";
    private static readonly string Key = BuildKey.For(Id);

    private static StoreFixture OneBuild()
    {
        var f = new StoreFixture(backupInterval: 1);
        f.Run(Id, "r1", StoreFixture.FullRun);
        return f;
    }

    [Fact]
    public void A_refused_read_is_classified_as_permission_with_what_to_do()
    {
        var fromErrno = BuildStateException.FromErrno(13, "/s/current_state.json", "read the file");
        var fromIo = BuildStateException.FromIo(new UnauthorizedAccessException("Access to the path '/s/log.bsh' is denied."), "/s/log.bsh", "read the file");

        foreach (var e in new[] { fromErrno, fromIo })
        {
            Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
            Assert.Equal(6, e.ExitCode);
            Assert.Contains("read and write access", e.Message);
            Assert.Contains("ls -l", e.Message);
            Assert.DoesNotContain("recover", e.Message);
        }
    }

    [Theory]
    [InlineData("Access to the path '/repo/bin/App.dll' is denied.", "this user needs access to that file and its folder")]
    [InlineData("Read-only file system : '/repo/report.html'", "that file is on a read-only file system: choose a writable place")]
    public void A_refused_access_to_a_users_file_says_what_to_do_about_that_file_not_the_store(string system, string hint)
    {
        var e = BuildStateException.FromIo(new UnauthorizedAccessException(system), "/repo/bin/App.dll", "write back the artifact", storeFile: false);

        Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
        Assert.Contains(hint, e.Message);
        Assert.DoesNotContain("store", e.Message);
    }

    [Fact]
    public void The_read_problem_of_a_build_names_the_refused_state_file()
    {
        using var f = OneBuild();
        var fs = new RefusingFileSystem();
        fs.Refused.Add(f.Store.Layout.StateFile(Key));

        var problem = f.Reopen(o => o.FileSystem = fs).FindReadProblem(Key);

        Assert.NotNull(problem);
        Assert.Equal(StoreErrorKind.PermissionDenied, problem.Kind);
        Assert.Equal(f.Store.Layout.StateFile(Key), problem.FilePath);
    }

    [Fact]
    public void The_read_problem_of_a_build_names_the_refused_history_log_not_the_state()
    {
        using var f = OneBuild();
        var fs = new RefusingFileSystem();
        fs.Refused.Add(f.Store.Layout.HistoryLog(Key));

        var problem = f.Reopen(o => o.FileSystem = fs).FindReadProblem(Key);

        Assert.NotNull(problem);
        Assert.Equal(StoreErrorKind.PermissionDenied, problem.Kind);
        Assert.Equal(f.Store.Layout.HistoryLog(Key), problem.FilePath);
    }

    [Fact]
    public void The_read_problem_of_a_damaged_build_is_corruption_and_of_a_readable_one_none()
    {
        using var f = OneBuild();
        Assert.Null(f.Store.FindReadProblem(Key));

        File.WriteAllText(f.Store.Layout.StateFile(Key), "{ torn");
        Assert.Null(f.Reopen().FindReadProblem(Key)); // history makes it good

        File.WriteAllText(f.Store.Layout.HistoryLog(Key), "garbage");
        Directory.Delete(f.Store.Layout.BackupDir(Key), recursive: true);
        var problem = f.Reopen().FindReadProblem(Key);
        Assert.NotNull(problem);
        Assert.Equal(StoreErrorKind.Corruption, problem.Kind);
        Assert.Equal(f.Store.Layout.StateFile(Key), problem.FilePath);
    }

    [Fact]
    public void Recover_leaves_a_refused_state_as_it_is_and_exits_6()
    {
        using var f = OneBuild();
        var state = f.Store.Layout.StateFile(Key);
        var before = File.ReadAllBytes(state);
        var fs = new RefusingFileSystem();
        fs.Refused.Add(state);

        var report = f.Reopen(o => o.FileSystem = fs).Recover();

        var skipped = Assert.Single(report.Skipped);
        Assert.Contains(state, skipped);
        Assert.Contains("ls -l", skipped);
        Assert.Empty(report.Unrecoverable);
        Assert.Empty(report.Repaired);
        Assert.Equal(ExitCodes.PermissionDenied, report.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(state));
        Assert.False(Directory.Exists(f.Store.Layout.DamagedDir));
    }

    [Fact]
    public void Recover_never_moves_aside_a_build_whose_files_are_all_refused()
    {
        using var f = OneBuild();
        var fs = new RefusingFileSystem();
        fs.Refused.Add(f.Store.Layout.StateFile(Key));
        fs.Refused.Add(f.Store.Layout.HistoryLog(Key));
        foreach (var backup in f.Store.BackupFiles(Key))
        {
            fs.Refused.Add(Path.GetFullPath(backup));
        }

        var report = f.Reopen(o => o.FileSystem = fs).Recover();

        Assert.Empty(report.Lost);
        Assert.Single(report.Skipped);
        Assert.Equal(ExitCodes.PermissionDenied, report.ExitCode);
        Assert.True(Directory.Exists(f.Store.Layout.BuildDir(Key)));
        Assert.Equal(Id, f.Reopen().Get(Id).Id);
    }
}
