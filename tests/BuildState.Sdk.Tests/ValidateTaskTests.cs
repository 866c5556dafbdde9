using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>`BuildStateValidate` in a team's targets: the store's problems of the project's builds as BST1006, at the file, with their kind.</summary>
public class ValidateTaskTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    // The first build takes its release table to Built and records a manifest; a later build checks
    // the store (the release build keeps its record: that build only starts a new run when its
    // targets move it again).
    private const string Targets = """
        <Target Name="Release" AfterTargets="Build" Condition="'$(Check)' != 'true'">
          <BuildStateTransition Machine="Release" To="Built" />
          <WriteLinesToFile File="$(OutDir)manifest.txt" Lines="v1" Overwrite="true" />
          <BuildStateRecordArtifacts Machine="Release" Files="$(OutDir)manifest.txt" />
        </Target>
        <Target Name="CheckStore" AfterTargets="Build" Condition="'$(Check)' == 'true'">
          <BuildStateValidate CheckArtifacts="true" FailOnStoreProblems="$(Fail)"><Output TaskParameter="Problems" PropertyName="N" /></BuildStateValidate>
          <Message Importance="high" Text="STORE PROBLEMS $(N)" />
        </Target>
        """;

    [Fact]
    public void An_artifact_changed_since_it_was_recorded_is_a_BST1006_warning_at_the_file_or_an_error_when_asked()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Targets);
        repo.Write("src/Shipping/release.buildstate.json", BuildState.Tests.Shared.SampleTables.Release);
        repo.Ok("build", "src/Shipping/Shipping.csproj");
        File.WriteAllText(Directory.GetFiles(Path.Combine(repo.Root, "src", "Shipping", "bin"), "manifest.txt", SearchOption.AllDirectories).Single(), "edited by hand");

        var warned = repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:Check=true");
        Assert.True(warned.Output.Contains("STORE PROBLEMS 1", StringComparison.Ordinal), warned.Output);
        Assert.Matches(@"manifest\.txt : warning BST1006: artifact of build 'src/Shipping/Shipping\.csproj\|Debug\|net10\.0\|Release' changed: SHA-256 [0-9a-f]{64}, recorded [0-9a-f]{64}; rebuild the project, or `buildstate verify` names a checkpoint to put it back from \(Validation\) \(https://[^)]+#bst1006\)", warned.Output);
        Assert.DoesNotContain("exit code", warned.Output);

        var failed = repo.Dotnet("build", "src/Shipping/Shipping.csproj", "-p:Check=true", "-p:Fail=true");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("error BST1006: artifact of build 'src/Shipping/Shipping.csproj|Debug|net10.0|Release' changed", failed.Output);
    }
}
