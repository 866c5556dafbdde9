using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>A team's own table, driven from its targets and enforced by the same parser the generator uses.</summary>
public class CustomLifecycleTests(PackageFeed feed) : IClassFixture<PackageFeed>
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
        Assert.Matches(@"Shipping\.csproj\([1-9][0-9]*,[1-9][0-9]*\): error BST1004", result.Output); // at the task's line and column in the project
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
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(result.Output, @"release\.buildstate\.json\(9,16,9,23\): error BST0002: .*Sined.*diagnostics\.md#bst0002"), result.Output); // the "Built" line, with the help link

        // The run says why it failed, and keeps the error with its place (it said "a target failed before the compile").
        var record = repo.Store().Get(TestRepo.Id("Shipping"));
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.StartsWith("a lifecycle table has an error: src/Shipping/release.buildstate.json(9,16): BST0002 ", record.Run!.Reason, StringComparison.Ordinal);
        var error = Assert.Single(record.Errors);
        Assert.Equal(("BST0002", "src/Shipping/release.buildstate.json", 9, 16), (error.Code, error.File, error.Line, error.Column));
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

    [Fact]
    public void Restoring_files_that_lie_outside_the_repository_is_BST1005_naming_each_and_its_copy()
    {
        using var repo = new TestRepo(feed);
        var outside = repo.Root + "-outside";
        Directory.CreateDirectory(outside);
        try
        {
            repo.Project("Shipping", extra: $"""
                <Target Name="Release" AfterTargets="Build">
                  <BuildStateTransition Machine="Release" To="Built" />
                  <WriteLinesToFile File="{outside}/notes.txt" Lines="v1" Overwrite="true" />
                  <BuildStateRecordArtifacts Machine="Release" Files="{outside}/notes.txt" />
                  <BuildStateCheckpoint Machine="Release" Name="built" CopyArtifacts="true" />
                  <Delete Files="{outside}/notes.txt" />
                  <BuildStateRestore Machine="Release" Checkpoint="built" Artifacts="true" />
                </Target>
                """);
            repo.Write("src/Shipping/release.buildstate.json", Table);
            var result = repo.Dotnet("build", "src/Shipping/Shipping.csproj");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Matches(@"error BST1005: checkpoint 'built' was restored, but 1 of its files lie outside the repository, where restore never writes: .*notes\.txt \(its copy: .*checkpoints.blobs.[0-9a-f]{64}\)", result.Output);
            Assert.False(File.Exists(Path.Combine(outside, "notes.txt")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Restoring_from_a_damaged_copy_is_BST1005_naming_the_copy_and_what_to_do_not_a_warning_to_go_on_with()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: """
            <Target Name="Release" AfterTargets="Build">
              <BuildStateTransition Machine="Release" To="Built" Condition="'$(Restore)' != 'true'" />
              <WriteLinesToFile File="$(OutDir)manifest.txt" Lines="v1" Overwrite="true" Condition="'$(Restore)' != 'true'" />
              <BuildStateRecordArtifacts Machine="Release" Files="$(OutDir)manifest.txt" Condition="'$(Restore)' != 'true'" />
              <BuildStateCheckpoint Machine="Release" Name="built" CopyArtifacts="true" Condition="'$(Restore)' != 'true'" />
              <BuildStateRestore Machine="Release" Checkpoint="built" Artifacts="true" Condition="'$(Restore)' == 'true'" />
              <Message Importance="high" Text="WENT ON AFTER THE RESTORE" Condition="'$(Restore)' == 'true'" />
            </Target>
            """);
        repo.Write("src/Shipping/release.buildstate.json", Table);
        repo.Ok("build", "src/Shipping/Shipping.csproj");
        var copy = Assert.Single(Directory.GetFiles(repo.StoreRoot, "*", SearchOption.AllDirectories), f => Path.GetFileName(Path.GetDirectoryName(f)) == "blobs");
        File.WriteAllText(copy, "damaged");
        File.Delete(Directory.GetFiles(Path.Combine(repo.Root, "src", "Shipping", "bin"), "manifest.txt", SearchOption.AllDirectories).Single());

        var result = repo.Dotnet("build", "src/Shipping/Shipping.csproj", "-p:Restore=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(result.Output, @"error BST1005: checkpoint 'built' cannot be restored: .*checkpoints.blobs.[0-9a-f]{64}: the stored copy of .*manifest\.txt' does not match its SHA-256; restore another checkpoint \(`buildstate checkpoints ""[^""]+\|Release""` lists them\), or run `buildstate recover`"), result.Output);
        Assert.DoesNotContain("WENT ON AFTER THE RESTORE", result.Output);
        Assert.DoesNotContain("BST1001", result.Output);
    }

    /// <summary>A target that asks for the phases $(S1)..$(S6) in turn (each only when set) after <paramref name="after"/>, then prints the query.</summary>
    private static string Driven(string after = "Build") =>
        $"<Target Name=\"Steps\" AfterTargets=\"{after}\">"
        + string.Concat(Enumerable.Range(1, 6).Select(i => $"<BuildStateTransition Machine=\"Release\" To=\"$(S{i})\" Condition=\"'$(S{i})' != ''\"><Output TaskParameter=\"Phase\" PropertyName=\"Out{i}\" /></BuildStateTransition>"))
        + "<BuildStateQuery Machine=\"Release\"><Output TaskParameter=\"Phase\" PropertyName=\"P\" /><Output TaskParameter=\"Status\" PropertyName=\"St\" /></BuildStateQuery>"
        + "<Message Importance=\"high\" Text=\"QUERY $(P) $(St) OUT $(Out1)\" />"
        + "</Target>";

    [Fact]
    public void Leaving_a_terminal_phase_in_the_same_build_is_BST1004_and_the_next_build_starts_a_new_run()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Driven());
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var result = repo.Dotnet("build", "src/Shipping/Shipping.csproj", "-p:S1=Built", "-p:S2=Signed", "-p:S3=Published", "-p:S4=Built");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error BST1004", result.Output);
        Assert.Contains("Published -> Built; Published is terminal", result.Output);
        var id = TestRepo.Id("Shipping") + "|Release";
        var record = repo.Store().Get(id);
        Assert.Equal("Published", record.Phase);
        Assert.Equal(RunStatus.Succeeded, record.Status); // the run that reached Published is kept as it was

        // The next build of the project starts a new run at the initial phase.
        var next = repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:S1=Built");
        Assert.Contains("QUERY Built Running", next.Output);
        Assert.NotEqual(record.Run!.StartedAt, repo.Store().Get(id).Run!.StartedAt);
    }

    [Fact]
    public void A_run_that_retries_through_the_error_phase_and_reaches_the_terminal_phase_succeeds()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Driven());
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var result = repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:S1=Failed", "-p:S2=Draft", "-p:S3=Built", "-p:S4=Signed", "-p:S5=Published");
        Assert.Contains("QUERY Published Succeeded", result.Output);
    }

    [Fact]
    public void After_a_restore_the_run_goes_on_from_the_restored_phase()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: """
            <Target Name="Release" AfterTargets="Build">
              <BuildStateTransition Machine="Release" To="Built" />
              <BuildStateCheckpoint Machine="Release" Name="built" />
              <BuildStateTransition Machine="Release" To="Signed" />
              <BuildStateRestore Machine="Release" Checkpoint="built"><Output TaskParameter="Phase" PropertyName="Back" /></BuildStateRestore>
              <BuildStateQuery Machine="Release"><Output TaskParameter="Phase" PropertyName="P" /><Output TaskParameter="Status" PropertyName="St" /></BuildStateQuery>
              <Message Importance="high" Text="AFTER RESTORE $(P) $(St)" />
              <BuildStateTransition Machine="Release" To="Signed" />
              <BuildStateTransition Machine="Release" To="Published" />
            </Target>
            """);
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var result = repo.Ok("build", "src/Shipping/Shipping.csproj");
        Assert.Contains("AFTER RESTORE Built Running", result.Output);
        var record = repo.Store().Get(TestRepo.Id("Shipping") + "|Release");
        Assert.Equal("Published", record.Phase);
        Assert.Equal(RunStatus.Succeeded, record.Status);
    }

    [Fact]
    public void An_illegal_transition_is_recorded_as_the_runs_error()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Driven());
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var result = repo.Dotnet("build", "src/Shipping/Shipping.csproj", "-p:S1=Signed");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("diagnostics.md#bst1004", result.Output); // the help link, in the message: loggers do not print it
        var record = repo.Store().Get(TestRepo.Id("Shipping") + "|Release");
        var error = Assert.Single(record.Errors);
        Assert.Equal("BST1004", error.Code);
        Assert.Contains("Draft -> Signed", error.Message);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Contains("Draft -> Signed", record.Run!.Reason);
    }

    [Fact]
    public void An_unknown_phase_is_named_as_such_and_a_phase_in_another_case_resolves()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Driven());
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var unknown = repo.Dotnet("build", "src/Shipping/Shipping.csproj", "-p:S1=Nope");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("error BST1004", unknown.Output);
        Assert.Contains("'Nope' is not a phase of lifecycle 'Release' (phases: Draft, Built, Signed, Failed, Published)", unknown.Output);
        Assert.DoesNotContain("illegal transition", unknown.Output);

        var other = repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:S1=built");
        Assert.Contains("QUERY Built Running OUT Built", other.Output);
    }

    [Fact]
    public void Transitions_from_BeforeBuild_on_are_enforced()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Driven("BeforeBuild"));
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var illegal = repo.Dotnet("build", "src/Shipping/Shipping.csproj", "-p:S1=Published");
        Assert.NotEqual(0, illegal.ExitCode);
        Assert.Contains("error BST1004", illegal.Output);

        var legal = repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:S1=Built");
        Assert.Contains("QUERY Built Running OUT Built", legal.Output);
    }

    [Fact]
    public void Two_tables_with_the_same_name_are_an_error_naming_both_files()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: Driven());
        repo.Write("src/Shipping/release.buildstate.json", Table);
        repo.Write("src/Shipping/sub/other.buildstate.json", """{ "name": "Release", "namespace": "Other.Build", "initial": "Begin", "terminal": ["Done"], "transitions": { "Begin": ["Done"] } }""");
        var result = repo.Dotnet("build", "src/Shipping/Shipping.csproj", "-p:S1=Built");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error BST1007", result.Output);
        Assert.Contains("release.buildstate.json", result.Output.Split('\n').First(l => l.Contains("error BST1007")));
        Assert.Contains("other.buildstate.json", result.Output.Split('\n').First(l => l.Contains("error BST1007")));
    }

    [Fact]
    public void Recording_a_file_that_does_not_exist_warns()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: """
            <Target Name="Release" AfterTargets="Build">
              <BuildStateTransition Machine="Release" To="Built" />
              <BuildStateRecordArtifacts Machine="Release" Files="$(TargetPath);$(OutDir)app.sig"><Output TaskParameter="Recorded" PropertyName="N" /></BuildStateRecordArtifacts>
              <Message Importance="high" Text="RECORDED $(N)" />
            </Target>
            """);
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var result = repo.Ok("build", "src/Shipping/Shipping.csproj");
        Assert.Contains("RECORDED 1", result.Output);
        Assert.Contains("warning BST1008", result.Output);
        Assert.Contains("app.sig", result.Output.Split('\n').First(l => l.Contains("warning BST1008")));
    }

    [Fact]
    public void Recording_on_a_lifecycle_that_never_ran_is_BST1009_and_the_build_is_still_recorded()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Shipping", extra: """
            <Target Name="Release" AfterTargets="Build">
              <BuildStateRecordArtifacts Machine="Release" Files="$(TargetPath)" ContinueOnError="true" />
              <BuildStateCheckpoint Machine="Release" Name="early" ContinueOnError="true" />
            </Target>
            """);
        repo.Write("src/Shipping/release.buildstate.json", Table);
        var result = repo.Dotnet("build", "src/Shipping/Shipping.csproj");
        Assert.Contains("BST1009", result.Output);
        Assert.Contains("lifecycle 'Release' has no run yet", result.Output);
        Assert.DoesNotContain("BST1001", result.Output); // not taken for an unusable store
        Assert.Equal(RunStatus.Succeeded, repo.Store().Get(TestRepo.Id("Shipping")).Status); // the project's own run is still recorded
    }
}
