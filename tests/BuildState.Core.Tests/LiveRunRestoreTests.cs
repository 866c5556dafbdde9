using System.Diagnostics;
using BuildState.Core.Tests.Infrastructure;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>
/// A build that another process is building now is not restored (as it is not archived): the
/// restore would take the state from under that build, whose run's end would never be recorded.
/// </summary>
public sealed class LiveRunRestoreTests : IDisposable
{
    private const string Id = "src/App/App.csproj|Release|net10.0";

    // A live process standing in for the `dotnet build` that owns the run.
    private readonly Process _builder = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;

    public void Dispose()
    {
        if (!_builder.HasExited)
        {
            _builder.Kill();
            _builder.WaitForExit();
        }

        _builder.Dispose();
    }

    private OwnerInfo Builder => OwnerInfo.Of(_builder.Id) ?? throw new InvalidOperationException("the stand-in builder is not running");

    /// <summary>A run of another live process, in Build, with a checkpoint "cp" taken in Setup.</summary>
    private void StartForeignRun(StoreFixture f, string runId)
    {
        f.Store.StartRun(Id, new StartRunRequest { RunId = runId, Owner = Builder });
        f.Store.Transition(Id, "Setup");
        f.Store.CreateCheckpoint(Id, "cp");
        f.Store.Transition(Id, "Build");
    }

    [Fact]
    public void A_build_another_process_is_building_is_refused_and_its_run_goes_on()
    {
        using var f = new StoreFixture();
        StartForeignRun(f, "live");
        var before = f.Store.Get(Id).Sequence;

        var e = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp"));

        Assert.Equal(StoreErrorKind.Validation, e.Kind);
        Assert.Equal(ExitCodes.ValidationFailed, e.ExitCode);
        Assert.Contains($"is being built by process {_builder.Id} since ", e.Message);
        Assert.Contains("wait for that build to end or stop it", e.Message);
        Assert.Equal(before, f.Store.Get(Id).Sequence);

        // The live build ends as it would have: its end is recorded.
        f.Store.Transition(Id, "Cleanup");
        f.Store.Transition(Id, "Complete");
        Assert.Equal(RunStatus.Succeeded, f.Store.Get(Id).Status);
    }

    [Fact]
    public void Archive_refuses_a_live_build_with_the_same_words()
    {
        using var f = new StoreFixture();
        StartForeignRun(f, "live");
        var restore = Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp"));
        var archive = Assert.Throws<BuildStateException>(() => f.Store.Archive(Id));
        Assert.Equal(restore.Kind, archive.Kind);
        Assert.Equal(restore.Message.Replace("then restore", "then archive it", StringComparison.Ordinal), archive.Message);
    }

    [Fact]
    public void Once_the_builder_is_gone_the_build_is_restored()
    {
        using var f = new StoreFixture();
        StartForeignRun(f, "live");
        _builder.Kill();
        _builder.WaitForExit();

        Assert.Equal("Setup", f.Store.RestoreCheckpoint(Id, "cp").Phase);
        Assert.Equal(RunStatus.Interrupted, f.Store.Get(Id).Status);
    }

    [Fact]
    public void A_restore_that_continues_the_live_run_is_the_callers_own_and_goes_ahead()
    {
        using var f = new StoreFixture();
        StartForeignRun(f, "this-invocation"); // owned by another node of the same invocation

        Assert.Equal(StoreErrorKind.Validation, Assert.Throws<BuildStateException>(() => f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: false, continueRunId: "another-invocation")).Kind);
        var result = f.Store.RestoreCheckpoint(Id, "cp", restoreArtifacts: false, continueRunId: "this-invocation");

        Assert.Equal("Setup", result.Phase);
        Assert.Equal(RunStatus.Running, f.Store.Get(Id).Status);
    }

    [Fact]
    public void A_run_of_this_process_is_the_callers_own()
    {
        using var f = new StoreFixture();
        f.Run(Id, "mine", "Setup");
        f.Store.CreateCheckpoint(Id, "cp");
        f.Store.Transition(Id, "Build");

        Assert.Equal("Setup", f.Store.RestoreCheckpoint(Id, "cp").Phase);
    }
}
