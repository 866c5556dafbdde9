using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Sdk.Tests;

/// <summary>
/// An output rewritten by a target that runs after the SDK has recorded it (a signing step in
/// Directory.Build.targets, which MSBuild imports after the packages' targets) is recorded as the
/// build left it: the end of the build hashes it again (and drops one that is gone).
/// </summary>
public class RewrittenOutputTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    /// <summary>A repository whose Directory.Build.targets runs <paramref name="step"/> after <paramref name="after"/> in every project.</summary>
    private TestRepo RepoWithStepAfter(string after, string step)
    {
        var repo = new TestRepo(feed);
        repo.Write("Directory.Build.targets", $"""
            <Project>
              <Target Name="StepAfter{after}" AfterTargets="{after}">
                {step}
              </Target>
            </Project>
            """);
        return repo;
    }

    [Fact]
    public void An_assembly_signed_after_Build_is_recorded_with_the_hash_of_the_signed_file()
    {
        // The pause makes sure the SDK's own hash of the assembly is long taken when it changes: without
        // the end of the build's second look, the recorded hash would be the unsigned file's.
        using var repo = RepoWithStepAfter("Build", """<Exec Command="sleep 1 &amp;&amp; printf signature &gt;&gt; '$(TargetPath)'" />""");
        repo.Project("Signed");

        repo.Ok("build", "src/Signed/Signed.csproj");
        var record = repo.Store().Get(TestRepo.Id("Signed"));
        AssertRecordedAsOnDisk(repo, record);
        var history = repo.Store().GetHistory(TestRepo.Id("Signed"));
        Assert.Equal(HistoryKinds.Artifacts, history[^1].Kind); // after the run's end
        Assert.StartsWith("1 artifact(s) changed after they were recorded, hashed again: src/Signed/bin/Debug/net10.0/Signed.dll; checkpoint ", history[^1].Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Succeeded, record.Status);
        var built = Assert.Single(record.Checkpoints);
        Assert.EndsWith($"(built) taken again with them as {built.Id}", history[^1].Message, StringComparison.Ordinal);
        AssertCheckpointHoldsSigned(repo, record);

        // The next build copies the unsigned assembly out again and signs it again, to the same bytes:
        // its own "built" checkpoint, once signed, repeats the first one and is dropped.
        repo.Ok("build", "src/Signed/Signed.csproj");
        var again = repo.Store().Get(TestRepo.Id("Signed"));
        Assert.NotEqual(record.RunId, again.RunId);
        AssertRecordedAsOnDisk(repo, again);
        Assert.Equal(built.Id, Assert.Single(again.Checkpoints).Id);
        AssertCheckpointHoldsSigned(repo, again);
        Assert.Contains($"dropped: with them it holds the same files as checkpoint {built.Id}", repo.Store().GetHistory(TestRepo.Id("Signed"))[^1].Message, StringComparison.Ordinal);

        var report = new StoreValidator(repo.Store()).Validate(new ValidationOptions { CheckArtifacts = true });
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void With_checkpoint_copies_restoring_the_built_checkpoint_puts_back_the_signed_assembly()
    {
        using var repo = RepoWithStepAfter("Build", """<Exec Command="sleep 1 &amp;&amp; printf signature &gt;&gt; '$(TargetPath)'" />""");
        repo.Project("Signed");

        repo.Ok("build", "src/Signed/Signed.csproj", "-p:BuildStateCheckpointArtifacts=true");
        var dll = repo.Path_("src/Signed/bin/Debug/net10.0/Signed.dll");
        var signed = File.ReadAllBytes(dll);
        File.WriteAllText(dll, "damaged");

        var restored = repo.Store().RestoreCheckpoint(TestRepo.Id("Signed"), "built", restoreArtifacts: true);

        Assert.Contains("src/Signed/bin/Debug/net10.0/Signed.dll", restored.Restored);
        Assert.Equal(signed, File.ReadAllBytes(dll));
        Assert.EndsWith("signature", File.ReadAllText(dll), StringComparison.Ordinal);
        var report = new StoreValidator(repo.Store()).Validate(new ValidationOptions { CheckArtifacts = true });
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void A_published_assembly_signed_after_Publish_is_recorded_with_the_hash_of_the_signed_file()
    {
        using var repo = RepoWithStepAfter("Publish", """<Exec Command="sleep 1 &amp;&amp; printf signature &gt;&gt; '$(PublishDir)$(TargetFileName)'" />""");
        repo.Project("Shipped", exe: true);

        repo.Ok("publish", "src/Shipped/Shipped.csproj", "-o", "pub");

        var record = repo.Store().Get(TestRepo.Id("Shipped", "Release"));
        var published = Assert.Single(record.Artifacts, a => a.Path == "pub/Shipped.dll");
        Assert.Equal((new FileInfo(repo.Path_("pub/Shipped.dll")).Length, ArtifactHasher.HashFile(repo.Path_("pub/Shipped.dll"))), (published.Size, published.Sha256));
        Assert.Contains(repo.Store().GetHistory(TestRepo.Id("Shipped", "Release")), h => h.Message == "1 artifact(s) changed after they were recorded, hashed again: pub/Shipped.dll");
    }

    [Fact]
    public void A_package_signed_after_a_multi_targeted_Pack_is_recorded_with_each_inner_build_as_signed()
    {
        // The outer build packs and adds the package to the inner builds' runs: the node that added
        // it looks at it again at the end of the build.
        using var repo = RepoWithStepAfter("Pack", """<Exec Condition="'$(IsCrossTargetingBuild)' == 'true'" Command="sleep 1 &amp;&amp; printf signature &gt;&gt; '$(MSBuildProjectDirectory)/../../out/Contoso.Multi.1.2.0.nupkg'" />""");
        repo.Project("Multi", targetFramework: "net10.0;netstandard2.0", extra: "<PropertyGroup><PackageId>Contoso.Multi</PackageId><Version>1.2.0</Version></PropertyGroup>");

        repo.Ok("pack", "src/Multi/Multi.csproj", "-o", "out");

        var file = repo.Path_("out/Contoso.Multi.1.2.0.nupkg");
        Assert.EndsWith("signature", File.ReadAllText(file), StringComparison.Ordinal);
        foreach (var tfm in new[] { "net10.0", "netstandard2.0" })
        {
            var package = Assert.Single(repo.Store().Get(TestRepo.Id("Multi", "Release", tfm)).Artifacts, a => a.Kind == "package");
            Assert.Equal((new FileInfo(file).Length, ArtifactHasher.HashFile(file)), (package.Size, package.Sha256));
        }
    }

    [Fact]
    public void An_output_deleted_right_after_Build_is_not_listed_and_the_run_still_succeeds()
    {
        // At once, racing the SDK's background hash of it: it may be gone before that hash (the
        // commit is made without it) or after (the end of the build drops it). Either way the same.
        using var repo = RepoWithStepAfter("Build", """<Delete Files="$(TargetDir)$(TargetName).pdb" />""");
        repo.Project("Stripped");

        var build = repo.Ok("build", "src/Stripped/Stripped.csproj");

        Assert.DoesNotContain("BST1001", build.Output);
        var record = repo.Store().Get(TestRepo.Id("Stripped"));
        Assert.Equal((RunStatus.Succeeded, "Complete"), (record.Status, record.Phase));
        Assert.DoesNotContain(record.Artifacts, a => a.Kind == "pdb");
        AssertRecordedAsOnDisk(repo, record);
    }

    [Fact]
    public void Outputs_no_target_rewrites_are_recorded_once()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Plain");

        repo.Ok("build", "src/Plain/Plain.csproj");
        repo.Ok("build", "src/Plain/Plain.csproj");

        var history = repo.Store().GetHistory(TestRepo.Id("Plain"));
        Assert.DoesNotContain(history, h => h.Message?.Contains("changed after they were recorded", StringComparison.Ordinal) == true);
        AssertRecordedAsOnDisk(repo, repo.Store().Get(TestRepo.Id("Plain")));
    }

    private static void AssertRecordedAsOnDisk(TestRepo repo, BuildRecord record)
    {
        Assert.Contains(record.Artifacts, a => a.Kind == "assembly");
        foreach (var artifact in record.Artifacts)
        {
            var file = repo.Path_(artifact.Path);
            Assert.Equal((new FileInfo(file).Length, ArtifactHasher.HashFile(file)), (artifact.Size, artifact.Sha256));
        }
    }

    /// <summary>The build's "built" checkpoint lists the assembly as signed: restoring it gives the build the file it left.</summary>
    private static void AssertCheckpointHoldsSigned(TestRepo repo, BuildRecord record)
    {
        var checkpoint = Assert.Single(repo.Store().GetCheckpoints(record.Id), c => c.Name == "built");
        var dll = Assert.Single(checkpoint.Artifacts, a => a.Kind == "assembly");
        Assert.EndsWith("signature", File.ReadAllText(repo.Path_(dll.Path)), StringComparison.Ordinal);
        Assert.Equal(ArtifactHasher.HashFile(repo.Path_(dll.Path)), dll.Sha256);
    }
}
