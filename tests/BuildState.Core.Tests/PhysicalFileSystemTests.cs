using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.IO;

namespace BuildState.Core.Tests;

/// <summary>
/// The real file system's own system-call paths (Linux) must answer exactly what the portable ones
/// do: the store compares stamps from both (an index entry's stamp against a stat of the log).
/// </summary>
public sealed class PhysicalFileSystemTests
{
    private static readonly PhysicalFileSystem Fs = PhysicalFileSystem.Instance;

    [Fact]
    public void An_append_returns_the_stamp_a_stat_of_the_path_gives()
    {
        using var dir = new TempDir();
        var path = dir.Combine("log.bsh");
        var first = Fs.AppendAndStamp(path, "one\n"u8, sync: false);
        Assert.Equal(Fs.GetFileStamp(path), first);
        Assert.Equal(4, first.Length);

        Thread.Sleep(20); // a later write time, even on a coarse clock
        var second = Fs.AppendAndStamp(path, "two, and more\n"u8, sync: true);
        Assert.Equal(Fs.GetFileStamp(path), second);
        Assert.Equal(18, second.Length);
        Assert.True(second.WriteTicks > first.WriteTicks);
        Assert.Equal("one\ntwo, and more\n", File.ReadAllText(path));
    }

    [Fact]
    public void An_append_creates_the_file_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        var path = dir.Combine("log.bsh");
        Fs.AppendAndStamp(path, "x"u8, sync: false);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void An_append_to_a_symbolic_link_is_refused_and_leaves_the_target_alone()
    {
        if (!UnixFiles.Supported || !Posix.FlagsKnown)
        {
            return; // no O_NOFOLLOW value known here: the store's own link checks come before it
        }

        using var dir = new TempDir();
        var target = dir.Combine("elsewhere.txt");
        File.WriteAllText(target, "keep");
        var link = dir.Combine("log.bsh");
        File.CreateSymbolicLink(link, target);

        var e = Assert.Throws<BuildStateException>(() => Fs.AppendAndStamp(link, "x"u8, sync: false));
        Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
        Assert.Equal("keep", File.ReadAllText(target));
    }

    [Fact]
    public void A_write_replaces_the_whole_content_of_a_longer_file_and_creates_new_files_owner_only()
    {
        using var dir = new TempDir();
        var path = dir.Combine("state.json");
        Fs.WriteFile(path, "a much longer first content"u8, sync: false);
        Fs.WriteFile(path, "short"u8, sync: true);
        Assert.Equal("short", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void A_write_through_a_symbolic_link_is_refused()
    {
        if (!UnixFiles.Supported || !Posix.FlagsKnown)
        {
            return;
        }

        using var dir = new TempDir();
        var target = dir.Combine("elsewhere.txt");
        File.WriteAllText(target, "keep");
        var link = dir.Combine("state.json");
        File.CreateSymbolicLink(link, target);

        var e = Assert.Throws<BuildStateException>(() => Fs.WriteFile(link, "x"u8, sync: false));
        Assert.Equal(StoreErrorKind.PermissionDenied, e.Kind);
        Assert.Equal("keep", File.ReadAllText(target));
    }

    [Fact]
    public void A_rename_replaces_the_destination_and_a_missing_source_is_an_error_naming_the_destination()
    {
        using var dir = new TempDir();
        var (temp, path) = (dir.Combine("state.json.tmp"), dir.Combine("state.json"));
        File.WriteAllText(path, "old");
        File.WriteAllText(temp, "new");
        Fs.Rename(temp, path);
        Assert.Equal("new", File.ReadAllText(path));
        Assert.False(File.Exists(temp));

        var e = Assert.Throws<BuildStateException>(() => Fs.Rename(temp, path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("new", File.ReadAllText(path));
    }
}
