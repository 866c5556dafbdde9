using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Sdk.Tests;

public class BuildRecordingTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    [Fact]
    public void A_parallel_build_of_twelve_projects_records_every_one_under_one_run_id()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Core");
        for (var i = 1; i <= 10; i++)
        {
            repo.Project($"Lib{i:D2}", references: "Core");
        }

        repo.Project("App", exe: true, references: [.. Enumerable.Range(1, 10).Select(i => $"Lib{i:D2}")]);
        repo.Ok("build", repo.Traversal(), "-m");

        var store = repo.Store();
        var builds = store.List();
        Assert.Equal(12, builds.Count);
        Assert.All(builds, b => Assert.Equal(RunStatus.Succeeded, b.Status));
        Assert.All(builds, b => Assert.Equal("Complete", b.Phase));
        Assert.Single(builds.Select(b => b.RunId).Distinct());

        var app = store.Get(TestRepo.Id("App"));
        Assert.Equal(["Setup", "Build", "Cleanup", "Complete"], app.Transitions.Select(t => t.To));
        // Ten direct references, and Core through them: the SDK adds transitive ProjectReferences, and App compiles against Core too.
        Assert.Equal(11, app.Dependencies.Count);
        Assert.Contains(TestRepo.Id("Lib01"), app.Dependencies);
        Assert.Contains(TestRepo.Id("Core"), app.Dependencies);
        Assert.Contains(app.Artifacts, a => a.Path == "src/App/bin/Debug/net10.0/App.dll" && a.Kind == "assembly" && a.Sha256.Length == 64);
        Assert.Contains(app.Artifacts, a => a.Kind == "pdb");
        Assert.Contains(app.Artifacts, a => a.Kind == "deps");
        Assert.Contains(app.Artifacts, a => a.Kind == "reference");
        var dll = app.Artifacts.Single(a => a.Kind == "assembly");
        Assert.Equal(ArtifactHasher.HashFile(repo.Path_(dll.Path)), dll.Sha256);
        Assert.Contains(app.Checkpoints, c => c.Name == "built" && c.Automatic && c.Phase == "Complete");
        // "built" holds the run as it ended, so restoring it later brings that run back as it was.
        var built = store.GetCheckpoints(TestRepo.Id("App")).Single(c => c.Name == "built").State;
        Assert.Equal((RunStatus.Succeeded, app.Run!.EndedAt), (built.Status, built.Run!.EndedAt));
        Assert.True(app.Resources.PhaseDurationsMs["Build"] > 0);

        var report = new StoreValidator(store).Validate(new ValidationOptions { CheckArtifacts = true });
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void Each_invocation_gets_its_own_run_id_unless_BuildStateRunId_names_it()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Ok("build", "src/Lib/Lib.csproj");
        var first = repo.Store().Get(TestRepo.Id("Lib")).RunId;
        repo.Ok("build", "src/Lib/Lib.csproj");
        var second = repo.Store().Get(TestRepo.Id("Lib")).RunId;
        Assert.NotEqual(first, second);

        repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateRunId=ci-4711");
        Assert.Equal("ci-4711", repo.Store().Get(TestRepo.Id("Lib")).RunId);
        var history = repo.Store().GetHistory(TestRepo.Id("Lib"));
        Assert.Equal(3, history.Count(h => h.Kind == HistoryKinds.RunStarted));
    }

    [Fact]
    public void A_compile_error_ends_the_run_failed_with_the_target_and_the_error_codes()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Broken");
        repo.Write("src/Broken/Bad.cs", "namespace Broken; public class Bad { public int M() => undefinedName; }\n");
        var result = repo.Dotnet("build", "src/Broken/Broken.csproj");
        Assert.NotEqual(0, result.ExitCode);

        var record = repo.Store().Get(TestRepo.Id("Broken"));
        Assert.Equal("Error", record.Phase);
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal("the compile failed with 1 error(s)", record.Run!.Reason);
        var error = Assert.Single(record.Errors);
        Assert.Equal("CS0103", error.Code);
        Assert.Equal("CoreCompile", error.Target);
        Assert.Equal("src/Broken/Bad.cs", error.File);
        Assert.Equal(1, error.Line);
        Assert.Contains("undefinedName", error.Message);
        Assert.NotNull(record.Run!.EndedAt); // no run is left Running once the command has ended

        // The codes came from asking the compiler again (BuildStateCompilerErrorLog=OnFailure):
        // it wrote nothing of the build's own and left no scratch files.
        var obj = repo.Path_("src/Broken/obj/Debug/net10.0");
        Assert.False(File.Exists(Path.Combine(obj, "Broken.dll")));
        Assert.False(Directory.Exists(Path.Combine(obj, "refint")) && Directory.EnumerateFiles(Path.Combine(obj, "refint")).Any());
        Assert.False(Directory.Exists(Path.Combine(obj, "buildstate-probe")));
        Assert.DoesNotContain("buildstate-probe", result.Output);
        var withoutProbe = repo.Dotnet("build", "src/Broken/Broken.csproj", "-p:BuildStateCompilerErrorLog=Never");
        Assert.Equal(CountOccurrences(withoutProbe.Output, "error CS0103"), CountOccurrences(result.Output, "error CS0103")); // the probe's own output is not logged

        // A successful compile writes no error log: that is what keeps clean builds fast.
        repo.Write("src/Broken/Bad.cs", "namespace Broken; public class Bad { public int M() => 1; }\n");
        File.Delete(Path.Combine(obj, "buildstate.sarif")); // the probe's, from the failed build
        repo.Ok("build", "src/Broken/Broken.csproj");
        Assert.False(File.Exists(Path.Combine(obj, "buildstate.sarif")));
    }

    [Fact]
    public void A_build_failing_before_its_compile_ends_its_run_failed_in_Setup()
    {
        // No SDK task runs before CoreCompile (the run's start is only a time there): the failure
        // path starts the run, and the end of the build closes it.
        using var repo = new TestRepo(feed);
        repo.Project("Early", extra: """
            <Target Name="FailEarly" AfterTargets="ResolveAssemblyReferences">
              <Error Code="EARLY1" Text="this build fails before it compiles" />
            </Target>
            """);
        var result = repo.Dotnet("build", "src/Early/Early.csproj");
        Assert.NotEqual(0, result.ExitCode);

        var record = repo.Store().Get(TestRepo.Id("Early"));
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal(["Setup", "Error"], record.Transitions.Select(t => t.To));
        Assert.Contains("phase Setup", record.Run!.Reason);
        Assert.Contains("a reference that did not build, or a target of the project's own", record.Run.Reason);
        Assert.NotNull(record.Run.EndedAt);
        Assert.True(record.Run.StartedAt <= record.Transitions[^1].At);
        Assert.False(File.Exists(repo.Path_("src/Early/obj/Debug/net10.0/Early.dll")));
    }

    [Fact]
    public void A_target_failing_after_Build_ends_the_run_failed_with_the_outputs_the_build_made()
    {
        // The project's own target after Build runs before the SDK's (it is declared first), so only
        // the end of the build closes the run: it records the outputs on disk, as after a good Build.
        using var repo = new TestRepo(feed);
        repo.Project("Post", exe: true, extra: """
            <PropertyGroup><GenerateDocumentationFile>true</GenerateDocumentationFile></PropertyGroup>
            <Target Name="PostFail" AfterTargets="Build"><Exec Command="exit 3" /></Target>
            """);
        var result = repo.Dotnet("build", "src/Post/Post.csproj");
        Assert.NotEqual(0, result.ExitCode);

        var record = repo.Store().Get(TestRepo.Id("Post"));
        Assert.Equal((RunStatus.Failed, "Error"), (record.Status, record.Phase));
        Assert.Equal(["Setup", "Build", "Error"], record.Transitions.Select(t => t.To));
        Assert.Empty(record.Errors);
        Assert.Equal("the build ended in phase Build before the run completed (a target failed after Build: AfterBuild, or a target of the project's own that runs after Build)", record.Run!.Reason);
        Assert.Equal(["apphost", "assembly", "deps", "documentation", "pdb", "reference", "runtimeconfig"], record.Artifacts.Select(a => a.Kind!).Order());
        AssertHashesMatchTheFiles(repo, record);
        Assert.DoesNotContain(record.Checkpoints, c => c.Name == "built"); // a failed build is no good build
        var ended = repo.Store().GetHistory(TestRepo.Id("Post"))[^1];
        Assert.Equal((HistoryKinds.RunEnded, "Error"), (ended.Kind, ended.To)); // one commit: the outputs and the end
        Assert.EndsWith("(7 artifact(s) recorded)", ended.Message, StringComparison.Ordinal);

        // A no-op build (its compile skipped) that fails the same way: the same outputs, their hashes kept.
        var first = record.Artifacts.ToDictionary(a => a.Path, a => a.Sha256);
        Assert.NotEqual(0, repo.Dotnet("build", "src/Post/Post.csproj").ExitCode);
        var again = repo.Store().Get(TestRepo.Id("Post"));
        Assert.NotEqual(record.RunId, again.RunId);
        Assert.Equal(RunStatus.Failed, again.Status);
        Assert.Equal(first, again.Artifacts.ToDictionary(a => a.Path, a => a.Sha256));

        // A failed compile records none: the files in bin/ are the previous build's.
        repo.Write("src/Post/Bad.cs", "namespace Post; public class Bad { public int M() => undefinedName; }\n");
        Assert.NotEqual(0, repo.Dotnet("build", "src/Post/Post.csproj").ExitCode);
        var broken = repo.Store().Get(TestRepo.Id("Post"));
        Assert.Equal((RunStatus.Failed, "the compile failed with 1 error(s)"), (broken.Status, broken.Run!.Reason));
        Assert.True(File.Exists(repo.Path_("src/Post/bin/Debug/net10.0/Post.dll")));
        Assert.Empty(broken.Artifacts);

        var report = new StoreValidator(repo.Store()).Validate(new ValidationOptions { CheckArtifacts = true });
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Fact]
    public void A_failing_post_build_event_keeps_the_outputs_and_says_where_the_build_failed()
    {
        // The post-build event runs inside CoreBuild, after the outputs are copied: its failure goes
        // through CoreBuild's error handling, which the SDK tells from a failed compile.
        using var repo = new TestRepo(feed);
        repo.Project("Lib", extra: "<PropertyGroup><PostBuildEvent>exit 4</PostBuildEvent></PropertyGroup>");
        Assert.NotEqual(0, repo.Dotnet("build", "src/Lib/Lib.csproj").ExitCode);

        var record = repo.Store().Get(TestRepo.Id("Lib"));
        Assert.Equal((RunStatus.Failed, "Error"), (record.Status, record.Phase));
        Assert.Contains("a target failed after the compile, before Build ended", record.Run!.Reason, StringComparison.Ordinal);
        Assert.Equal(["assembly", "deps", "pdb", "reference"], record.Artifacts.Select(a => a.Kind!).Order());
        AssertHashesMatchTheFiles(repo, record);
    }

    private static void AssertHashesMatchTheFiles(TestRepo repo, BuildRecord record)
    {
        foreach (var artifact in record.Artifacts)
        {
            var file = repo.Path_(artifact.Path);
            Assert.Equal(new FileInfo(file).Length, artifact.Size);
            Assert.Equal(ArtifactHasher.HashFile(file), artifact.Sha256);
        }
    }

    [Fact]
    public void A_project_whose_reference_did_not_build_names_it()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Project("App", references: "Lib");
        repo.Ok("build", "src/App/App.csproj"); // App's build records Lib as its dependency
        repo.Write("src/Lib/Bad.cs", "namespace Lib; public class Bad { public int M() => undefinedName; }\n");
        Assert.NotEqual(0, repo.Dotnet("build", "src/App/App.csproj").ExitCode);

        var app = repo.Store().Get(TestRepo.Id("App"));
        Assert.Equal((RunStatus.Failed, "Setup"), (app.Status, app.Transitions[^1].From));
        Assert.Equal($"the build ended in phase Setup before the run completed: a reference did not build ({TestRepo.Id("Lib")})", app.Run!.Reason);
        Assert.Equal([TestRepo.Id("Lib")], app.Dependencies);
        Assert.Equal("the compile failed with 1 error(s)", repo.Store().Get(TestRepo.Id("Lib")).Run!.Reason);
    }

    [Fact]
    public void A_project_without_CoreCompile_starts_its_run_after_Build()
    {
        using var repo = new TestRepo(feed);
        repo.Write("src/NoCompile/NoCompile.csproj", """
            <Project>
              <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <CopyBuildOutputToOutputDirectory>false</CopyBuildOutputToOutputDirectory>
                <GenerateDependencyFile>false</GenerateDependencyFile>
                <ProduceReferenceAssembly>false</ProduceReferenceAssembly>
              </PropertyGroup>
              <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
              <Target Name="Compile" />
            </Project>
            """);
        repo.Ok("build", "src/NoCompile/NoCompile.csproj");
        var record = repo.Store().Get(TestRepo.Id("NoCompile"));
        Assert.Equal(RunStatus.Succeeded, record.Status);
        Assert.Equal(["Setup", "Build", "Cleanup", "Complete"], record.Transitions.Select(t => t.To));
    }

    [Theory]
    [InlineData("BuildStateMaxCheckpoints=ten", "BuildStateMaxCheckpoints must be a whole number from 1 up, not 'ten'")]
    [InlineData("BuildStateMaxCheckpoints=0", "BuildStateMaxCheckpoints must be a whole number from 1 up, not '0'")]
    [InlineData("BuildStateMaxCheckpoints=-1", "BuildStateMaxCheckpoints must be a whole number from 1 up, not '-1'")]
    [InlineData("BuildStateMaxBackups=-2", "BuildStateMaxBackups must be a whole number from 0 up, not '-2'")]
    [InlineData("BuildStateRecordArtifacts=no", "BuildStateRecordArtifacts must be true or false, not 'no'")]
    [InlineData("BuildStateEnabled=no", "BuildStateEnabled must be true or false, not 'no'")]
    [InlineData("BuildStateRecordTestResults=maybe", "BuildStateRecordTestResults must be true or false, not 'maybe'")]
    [InlineData("BuildStateEnableGenerator=yes", "BuildStateEnableGenerator must be true or false, not 'yes'")]
    [InlineData("EnableDefaultBuildStateItems=off", "EnableDefaultBuildStateItems must be true or false, not 'off'")]
    public void A_bad_setting_is_one_error_naming_the_property_the_value_and_what_is_accepted(string setting, string message)
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        var result = repo.Dotnet("build", "src/Lib/Lib.csproj", "-p:" + setting);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error BST1002: " + message, result.Output);
        Assert.Contains("1 Error(s)", result.Output); // reported once, though the failed build's path starts the run again
    }

    [Fact]
    public void A_store_folder_inside_the_project_is_not_read_as_tables()
    {
        // The store keeps a copy of each table under <store>/lifecycles/: a store folder inside the
        // project (a relative BuildStateRoot) must not have its copies picked up as more tables.
        using var repo = new TestRepo(feed);
        repo.Project("Shipping");
        repo.Write("src/Shipping/release.buildstate.json", BuildState.Tests.Shared.SampleTables.Release);
        repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:BuildStateRoot=state");
        Assert.True(File.Exists(repo.Path_("src/Shipping/state/lifecycles/Release.buildstate.json")));
        var again = repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:BuildStateRoot=state", "--no-incremental");
        Assert.DoesNotContain("BST0009", again.Output);

        // The same with the store given as a full path (the first store, now an ordinary folder, goes).
        Directory.Delete(repo.Path_("src/Shipping/state"), recursive: true);
        var full = repo.Path_("src/Shipping/full store");
        repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:BuildStateRoot=" + full);
        Assert.DoesNotContain("BST0009", repo.Ok("build", "src/Shipping/Shipping.csproj", "-p:BuildStateRoot=" + full, "--no-incremental").Output);
    }

    [Fact]
    public void A_compile_error_in_a_file_named_with_a_space_is_recorded_and_the_probe_leaves_no_error_log()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Broken");
        repo.Write("src/Broken/Bad file.cs", "namespace Broken; public class Bad { public int M() => undefinedName; }\n");
        Assert.NotEqual(0, repo.Dotnet("build", "src/Broken/Broken.csproj").ExitCode);

        var error = Assert.Single(repo.Store().Get(TestRepo.Id("Broken")).Errors);
        Assert.Equal("CS0103", error.Code);
        Assert.Equal("src/Broken/Bad file.cs", error.File);
        Assert.False(File.Exists(repo.Path_("src/Broken/obj/Debug/net10.0/buildstate.sarif"))); // the SDK's own log, read and removed
    }

    [Fact]
    public void The_apphost_and_the_single_file_bundle_are_recorded_with_the_runtime_they_were_built_for()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Project("App", exe: true, references: "Lib");
        var build = repo.Ok("build", "src/App/App.csproj");
        var exe = OperatingSystem.IsWindows() ? ".exe" : "";
        Assert.Contains(repo.Store().Get(TestRepo.Id("App")).Artifacts, a => a.Kind == "apphost" && a.Path == "src/App/bin/Debug/net10.0/App" + exe);
        Assert.DoesNotContain(repo.Store().Get(TestRepo.Id("Lib")).Artifacts, a => a.Kind == "apphost"); // a library has none, and nothing is said about it
        Assert.DoesNotContain("warning BST", build.Output);

        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        repo.Ok("publish", "src/App/App.csproj", "-r", rid, "--self-contained", "false", "-p:PublishSingleFile=true");
        var release = repo.Store().Get(TestRepo.Id("App", "Release"));
        var published = release.Artifacts.Where(a => a.Kind == "publish").Select(a => a.Path).ToList();
        Assert.Contains($"src/App/bin/Release/net10.0/{rid}/publish/App{exe}", published);

        // The runtime is not part of the build's id: the run says which one it built for, and how.
        Assert.Equal(rid, release.Metadata["msbuild.runtimeIdentifier"]);
        Assert.Equal("false", release.Metadata["msbuild.selfContained"]);
        Assert.False(repo.Store().Get(TestRepo.Id("App")).Metadata.ContainsKey("msbuild.runtimeIdentifier"));
    }

    [Fact]
    public void A_web_projects_publish_records_every_file_of_its_publish_folder()
    {
        using var repo = new TestRepo(feed);
        repo.Write("src/Web/Web.csproj", """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """);
        repo.Write("src/Web/Program.cs", "var app = WebApplication.CreateBuilder(args).Build();\napp.UseStaticFiles();\napp.Run();\n");
        repo.Write("src/Web/appsettings.json", "{}\n");
        repo.Write("src/Web/wwwroot/index.html", "<!doctype html><title>web</title>\n");
        repo.Write("src/Web/wwwroot/css/site.css", "body { margin: 0; }\n");
        var publish = repo.Ok("publish", "src/Web/Web.csproj");
        Assert.False(publish.Output.Contains("warning BST", StringComparison.Ordinal), publish.Output);

        // Static web assets (and their compressed copies), their endpoints manifest and web.config
        // are published by the Web SDK's own targets, outside ResolvedFileToPublish.
        const string Folder = "src/Web/bin/Release/net10.0/publish/";
        var onDisk = Directory.GetFiles(repo.Path_(Folder), "*", SearchOption.AllDirectories)
            .Select(f => Folder + Path.GetRelativePath(repo.Path_(Folder), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Contains(Folder + "wwwroot/css/site.css", onDisk);
        Assert.Contains(Folder + "web.config", onDisk);
        Assert.Contains(Folder + "Web.staticwebassets.endpoints.json", onDisk);
        var recorded = repo.Store().Get(TestRepo.Id("Web", "Release")).Artifacts.Where(a => a.Kind == "publish").Select(a => a.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(onDisk, recorded);

        // A CI's publish step after its build step: the same files, added to the build's latest run.
        File.Delete(repo.Path_(Folder + "web.config"));
        var noBuild = repo.Ok("publish", "src/Web/Web.csproj", "--no-build");
        Assert.False(noBuild.Output.Contains("warning BST", StringComparison.Ordinal), noBuild.Output);
        recorded = repo.Store().Get(TestRepo.Id("Web", "Release")).Artifacts.Where(a => a.Kind == "publish").Select(a => a.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(onDisk, recorded);
        Assert.True(File.Exists(repo.Path_(Folder + "web.config")));
    }

    [Fact]
    public void A_native_aot_publish_records_the_native_binary_and_its_symbols()
    {
        // The ILCompiler replaces the apphost with the native binary and copies the native symbols
        // (App.dbg) into the publish folder after Publish, outside ResolvedFileToPublish. It needs a
        // C toolchain to link: clang by default, gcc where that is what the machine has.
        using var repo = new TestRepo(feed);
        var linker = File.Exists("/usr/bin/clang") ? "clang" : "gcc";
        repo.Project("App", exe: true, extra: $"<PropertyGroup><PublishAot>true</PublishAot><CppCompilerAndLinker>{linker}</CppCompilerAndLinker></PropertyGroup>");
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        var publish = repo.Ok("publish", "src/App/App.csproj", "-r", rid, "-o", "pub");
        Assert.False(publish.Output.Contains("warning BST", StringComparison.Ordinal), publish.Output);

        var onDisk = Directory.GetFiles(repo.Path_("pub")).Select(f => "pub/" + Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        var symbols = OperatingSystem.IsWindows() ? "pub/App.pdb" : "pub/App.dbg";
        Assert.Contains(symbols, onDisk);
        var record = repo.Store().Get(TestRepo.Id("App", "Release"));
        var recorded = record.Artifacts.Where(a => a.Kind == "publish").ToList();
        Assert.Equal(onDisk, recorded.Select(a => a.Path).Order(StringComparer.Ordinal));
        foreach (var artifact in recorded)
        {
            Assert.Equal(BuildState.Store.ArtifactHasher.HashFile(repo.Path_(artifact.Path)), artifact.Sha256); // the native binary, not the apphost it replaced
        }
    }

    [Fact]
    public void A_new_store_folder_is_ignored_by_git_and_a_folder_of_the_users_is_left_as_it_is()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Ok("build", "src/Lib/Lib.csproj");
        Assert.Contains("*", File.ReadAllLines(Path.Combine(repo.StoreRoot, ".gitignore")));
        Assert.True(new StoreValidator(repo.Store()).Validate().IsValid);

        repo.Write("mine/notes.txt", "the user's own folder");
        repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateRoot=../../mine");
        Assert.False(File.Exists(repo.Path_("mine/.gitignore")));
    }

    [Fact]
    public void BuildStateCompilerErrorLog_chooses_how_compile_errors_are_found()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Broken");
        var obj = repo.Path_("src/Broken/obj/Debug/net10.0");

        // Always: every compile writes the error log, the successful ones too.
        repo.Ok("build", "src/Broken/Broken.csproj", "-p:BuildStateCompilerErrorLog=Always");
        Assert.True(File.Exists(Path.Combine(obj, "buildstate.sarif")));
        repo.Write("src/Broken/Bad.cs", "namespace Broken; public class Bad { public int M() => missingOne; }\n");
        Assert.NotEqual(0, repo.Dotnet("build", "src/Broken/Broken.csproj", "-p:BuildStateCompilerErrorLog=Always").ExitCode);
        Assert.Equal("CS0103", Assert.Single(repo.Store().Get(TestRepo.Id("Broken")).Errors).Code);

        // Never: the run still ends failed, without the compiler's errors, and without the outputs
        // in bin/ (the first build's): CoreBuild's error handling says the compile failed.
        Assert.NotEqual(0, repo.Dotnet("build", "src/Broken/Broken.csproj", "-p:BuildStateCompilerErrorLog=Never").ExitCode);
        var record = repo.Store().Get(TestRepo.Id("Broken"));
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Empty(record.Errors);
        Assert.Equal("the build ended in phase Build before the run completed (a target failed: the compile, or a target before it)", record.Run!.Reason);
        Assert.True(File.Exists(repo.Path_("src/Broken/bin/Debug/net10.0/Broken.dll")));
        Assert.Empty(record.Artifacts);

        // The project's own ErrorLog is read (and kept), whatever the setting.
        Assert.NotEqual(0, repo.Dotnet("build", "src/Broken/Broken.csproj", "-p:ErrorLog=own.sarif").ExitCode);
        Assert.Equal("CS0103", Assert.Single(repo.Store().Get(TestRepo.Id("Broken")).Errors).Code);
        Assert.True(File.Exists(repo.Path_("src/Broken/own.sarif")));

        // Anything else is a clear error.
        var wrong = repo.Dotnet("build", "src/Broken/Broken.csproj", "-p:BuildStateCompilerErrorLog=Sometimes");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("error BST1002: BuildStateCompilerErrorLog must be OnFailure, Always or Never, not 'Sometimes'", wrong.Output);
    }

    private static int CountOccurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void A_multi_targeted_project_records_each_inner_build_and_not_the_outer_one()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Multi", targetFramework: "net10.0;netstandard2.0");
        repo.Ok("build", "src/Multi/Multi.csproj");
        var ids = repo.Store().List().Select(b => b.Id).ToList();
        Assert.Equal([TestRepo.Id("Multi", tfm: "net10.0"), TestRepo.Id("Multi", tfm: "netstandard2.0")], ids);
    }

    [Fact]
    public void Design_time_builds_and_disabled_builds_record_nothing()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Ok("build", "src/Lib/Lib.csproj", "-p:DesignTimeBuild=true");
        repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateEnabled=false");
        repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateEnabled=False"); // in any case, as the other switches
        Assert.False(Directory.Exists(Path.Combine(repo.StoreRoot, "active")) && Directory.EnumerateDirectories(Path.Combine(repo.StoreRoot, "active")).Any());
    }

    [Fact]
    public void Properties_choose_the_store_folder_and_its_settings()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Lib");
        repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateRoot=../../state", "-p:BuildStateMaxCheckpoints=1", "-p:BuildStateRecordArtifacts=false");
        var store = BuildStore.Open(Path.Combine(repo.Root, "state"));
        var record = store.Get(TestRepo.Id("Lib"));
        Assert.Empty(record.Artifacts);
        repo.Ok("build", "src/Lib/Lib.csproj", "-p:BuildStateRoot=../../state", "-p:BuildStateMaxCheckpoints=1");
        Assert.Single(store.Get(TestRepo.Id("Lib")).Checkpoints);
        Assert.False(Directory.Exists(repo.StoreRoot));
    }
}
