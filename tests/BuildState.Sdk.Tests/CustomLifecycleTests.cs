using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>A team's own table, driven from its targets and enforced by the same parser the generator uses.</summary>
[Collection("e2e")]
public class CustomLifecycleTests(PackageFeed feed)
{
    private const string Table = BuildState.Tests.Shared.SampleTables.Release;

    private static string Targets(params string[] phases) =>
        "<Target Name=\"Release\" AfterTargets=\"Build\">"
        + string.Concat(phases.Select(p => $"<BuildStateTransition Machine=\"Release\" To=\"{p}\" />"))
        + "<BuildStateQuery Machine=\"Release\"><Output TaskParameter=\"Phase\" PropertyName=\"P\" /><Output TaskParameter=\"CompletedPhases\" ItemName=\"Done\" /></BuildStateQuery>"
        + "<Message Importance=\"high\" Text=\"RELEASE PHASE $(P) AFTER @(Done)\" />"
        + "</Target>";

    [Fact]
    public void Legal_transitions_are_recorded_and_the_generated_types_compile_from_the_same_file()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Targets("Built", "Signed", "Published"));
        repo.Write("src/Shipping/release.buildstate.json", Table);
        // The generator turned the same file into typestate: only legal chains compile.
        repo.Write("src/Shipping/Use.cs", "namespace Shipping; public static class Use { public static Contoso.Build.ReleasePhase Last() => Contoso.Build.Release.Start().ToBuilt().ToSigned().ToPublished().Phase; }\n");
        var result = repo.Ok("build", "src/Shipping/Shipping.csproj");
        Assert.Contains("RELEASE PHASE Published AFTER Draft;Built;Signed", result.Output);

        var record = repo.Store().Get(TestRepo.Id("Shipping") + "|Release");
        Assert.Equal("Release", record.Lifecycle);
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.Equal(["Built", "Signed", "Published"], record.Transitions.Select(t => t.To));
        Assert.Equal([TestRepo.Id("Shipping")], record.Dependencies);
        Assert.True(File.Exists(Path.Combine(repo.StoreRoot, "lifecycles", "Release.buildstate.json")));
    }

    [Fact]
    public void An_illegal_transition_fails_the_build_naming_table_phases_and_legal_targets()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Targets("Built", "Published"));
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var result = repo.Dotnet("build", "src/Shipping/Shipping.csproj");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error BST1004", result.Output);
        Assert.Contains("illegal transition in lifecycle 'Release': Built -> Published; legal targets from Built: Signed, Failed", result.Output);
        var record = repo.Store().Get(TestRepo.Id("Shipping") + "|Release");
        Assert.Equal(RunStatus.Failed, record.Status); // closed at the end of the build: it never reached Published
    }

    [Fact]
    public void A_broken_table_is_a_build_error_at_its_file_line_and_column()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Targets("Built"));
        repo.Write("src/Shipping/release.buildstate.json", Table.Replace("\"Signed\", \"Failed\"]", "\"Sined\", \"Failed\"]"));
        var result = repo.Dotnet("build", "src/Shipping/Shipping.csproj");
        Assert.NotEqual(0, result.ExitCode);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(result.Output, @"release\.buildstate\.json\(9,16,9,23\): error BST0002: .*Sined"), result.Output); // the "Built" line
    }

    [Fact]
    public void Checkpoint_and_restore_tasks_bring_back_state_and_files()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: """
            <Target Name="Release" AfterTargets="Build">
              <BuildStateTransition Machine="Release" To="Built" />
              <WriteLinesToFile File="$(OutDir)manifest.txt" Lines="v1" Overwrite="true" />
              <BuildStateRecordArtifacts Machine="Release" Files="$(OutDir)manifest.txt" />
              <BuildStateCheckpoint Machine="Release" Name="built" CopyArtifacts="true"><Output TaskParameter="CheckpointId" PropertyName="Cp" /></BuildStateCheckpoint>
              <BuildStateTransition Machine="Release" To="Signed" />
              <Delete Files="$(OutDir)manifest.txt" />
              <BuildStateRestore Machine="Release" Checkpoint="built" Artifacts="true"><Output TaskParameter="Phase" PropertyName="Back" /></BuildStateRestore>
              <Message Importance="high" Text="RESTORED $(Cp) TO $(Back) FILE $([System.IO.File]::ReadAllText('$(OutDir)manifest.txt').Trim())" />
            </Target>
            """);
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var result = repo.Ok("build", "src/Shipping/Shipping.csproj");
        Assert.Matches("RESTORED [0-9T]+-[0-9]+ TO Built FILE v1", result.Output);
    }
}
