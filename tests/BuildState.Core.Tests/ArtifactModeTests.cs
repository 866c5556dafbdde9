using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A checkpoint with copies keeps each file's Unix permission bits when they are not the default
/// 644, and restore gives a file written back those bits: a published apphost stays runnable.
/// </summary>
public class ArtifactModeTests
{
    private const string Id = "src/App/App.csproj|Release|net10.0";
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101; // 755
    private const UnixFileMode ExecuteBits = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static (string Exe, string Dll, string CheckpointFile) BuildWithAnExecutable(StoreFixture f)
    {
        f.Run(Id, "r", "Setup", "Build");
        var exe = f.WriteFile("publish/App", "apphost");
        var dll = f.WriteFile("publish/App.dll", "assembly");
        File.SetUnixFileMode(exe, Executable);
        File.SetUnixFileMode(dll, (UnixFileMode)0b110_100_100); // 644
        f.Store.RecordArtifacts(Id, [new ArtifactInput(exe), new ArtifactInput(dll)]);
        var checkpoint = f.Store.CreateCheckpoint(Id, "cp", copyArtifacts: true);
        return (exe, dll, f.Store.Layout.CheckpointFile(BuildKey.For(Id), checkpoint.Id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // written by path, as on systems without a folder descriptor to write through
    public void Restore_gives_a_file_written_back_the_execute_bits_it_had(bool throughDescriptor)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var f = new StoreFixture();
        f.Store.WriteBackThroughDescriptor = throughDescriptor;
        var (exe, dll, _) = BuildWithAnExecutable(f);
        File.Delete(exe);
        File.Delete(dll);

        var result = f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true);

        Assert.Equal(2, result.Restored.Count);
        Assert.Equal(Executable, File.GetUnixFileMode(exe));
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(dll) & ExecuteBits);
        Assert.All(f.Store.Get(Id).Artifacts, a => Assert.Null(a.Mode)); // the state lists no mode
    }

    [Fact]
    public void The_mode_is_written_only_when_it_is_not_the_default_and_is_covered_by_the_digest()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var f = new StoreFixture();
        var (exe, _, checkpointFile) = BuildWithAnExecutable(f);
        var json = File.ReadAllText(checkpointFile);
        Assert.Equal(1, json.Split("\"mode\": \"755\"").Length - 1);
        Assert.Equal(1, json.Split("\"mode\"").Length - 1); // not for the 644 file, not in the snapshot

        // An edited mode no longer matches the digest the build lists: refused before anything is written.
        File.WriteAllText(checkpointFile, json.Replace("\"mode\": \"755\"", "\"mode\": \"777\"", StringComparison.Ordinal));
        File.Delete(exe);
        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));
        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.False(File.Exists(exe));

        // One that is not permission bits is unreadable.
        File.WriteAllText(checkpointFile, json.Replace("\"mode\": \"755\"", "\"mode\": \"4755\"", StringComparison.Ordinal));
        e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true));
        Assert.Equal(StoreErrorKind.Corruption, e.Kind);
        Assert.Contains("not Unix permission bits", e.Message);
    }

    [Fact]
    public void A_checkpoint_without_modes_restores_as_before()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var f = new StoreFixture();
        f.Run(Id, "r", "Setup", "Build");
        var dll = f.WriteFile("bin/App.dll", "assembly");
        File.SetUnixFileMode(dll, (UnixFileMode)0b110_100_100);
        f.Store.RecordArtifacts(Id, [new ArtifactInput(dll)]);
        var checkpoint = f.Store.CreateCheckpoint(Id, "cp", copyArtifacts: true);
        Assert.DoesNotContain("\"mode\"", File.ReadAllText(f.Store.Layout.CheckpointFile(BuildKey.For(Id), checkpoint.Id)));
        File.Delete(dll);

        f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: true);

        Assert.Equal("assembly", File.ReadAllText(dll));
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(dll) & ExecuteBits);
    }
}
