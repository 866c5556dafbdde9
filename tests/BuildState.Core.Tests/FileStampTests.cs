using BuildState.IO;
using BuildState.Model;

namespace BuildState.Core.Tests;

/// <summary>What tells an artifact unchanged: length, write time and, on Linux, the change time a copy or a `touch -r` cannot set back.</summary>
public sealed class FileStampTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bst-stamp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_file_written_the_usual_way_or_changed_within_a_second_of_its_write_has_no_separate_change_time()
    {
        var path = Path.Combine(_dir, "a.dll");
        File.WriteAllText(path, "hello");

        var stamp = FileStamp.Of(path)!;
        var info = new FileInfo(path);
        Assert.Equal(info.Length, stamp.Length);
        Assert.Equal(new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), stamp.LastWriteUtc);
        Assert.Null(stamp.ChangedUtc);

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // an apphost made executable
            Assert.Null(FileStamp.Of(path)!.ChangedUtc);
        }
    }

    [Fact]
    public void A_copy_that_kept_its_sources_write_time_has_a_later_change_time()
    {
        var source = Path.Combine(_dir, "a.dll");
        File.WriteAllText(source, "hello");
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddHours(-1));
        var copy = Path.Combine(_dir, "copy.dll");
        File.Copy(source, copy); // keeps the write time on Unix, as MSBuild's Copy and publish do

        var stamp = FileStamp.Of(copy)!;
        Assert.Equal(FileStamp.Of(source)!.LastWriteUtc, stamp.LastWriteUtc);
        if (OperatingSystem.IsLinux())
        {
            Assert.NotNull(stamp.ChangedUtc);
            Assert.True(stamp.ChangedUtc > DateTimeOffset.UtcNow.AddMinutes(-1));
        }
    }

    [Fact]
    public void A_record_matches_only_the_stamps_it_was_hashed_with()
    {
        var path = Path.Combine(_dir, "a.dll");
        File.WriteAllText(path, "hello");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        var stamp = FileStamp.Of(path)!;
        var recorded = new ArtifactRecord { Size = stamp.Length, LastWriteUtc = stamp.LastWriteUtc, ChangedUtc = stamp.ChangedUtc };
        Assert.True(stamp.Matches(recorded));

        Thread.Sleep(20); // past the kernel's coarse clock tick
        File.WriteAllText(path, "HELLO");
        File.SetLastWriteTimeUtc(path, stamp.LastWriteUtc.UtcDateTime);
        Assert.Equal(!OperatingSystem.IsLinux(), FileStamp.Of(path)!.Matches(recorded));
        Assert.False(FileStamp.Of(path)!.Matches(new ArtifactRecord { Size = 6, LastWriteUtc = stamp.LastWriteUtc }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // FileInfo's way, where statx is not there (Windows, macOS)
    public void Nothing_there_and_a_folder_are_no_file_and_a_link_is_followed(bool statx)
    {
        Func<string, FileStamp?> of = statx ? FileStamp.Of : FileStamp.ThroughFileInfo;
        Assert.Null(of(Path.Combine(_dir, "missing.dll")));
        Assert.Null(of(Path.Combine(_dir, "missing", "below.dll")));
        Assert.Null(of(_dir));

        var target = Path.Combine(_dir, "target.dll");
        File.WriteAllText(target, "twelve bytes");
        File.SetLastWriteTimeUtc(target, DateTime.UtcNow.AddHours(-1));
        var link = Path.Combine(_dir, "link.dll");
        File.CreateSymbolicLink(link, target);
        Assert.Equal(12, of(link)!.Length);
        Assert.Equal(of(target)!.LastWriteUtc, of(link)!.LastWriteUtc);
        Assert.Equal(new DateTimeOffset(File.GetLastWriteTimeUtc(target), TimeSpan.Zero), of(target)!.LastWriteUtc);
        Assert.Equal(statx && OperatingSystem.IsLinux(), of(target)!.ChangedUtc is not null);
    }
}
