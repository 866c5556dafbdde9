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
}
