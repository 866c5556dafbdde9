using System.Diagnostics;
using System.IO.Compression;
using BuildState.Model;
using BuildState.Sdk.Tests.Infrastructure;

namespace BuildState.Sdk.Tests;

/// <summary>
/// Microsoft.Testing.Platform test applications: `dotnet test` in the platform's mode runs them
/// after the build has ended, so the hook compiled into them records each session as a test-only run.
/// </summary>
public class TestingPlatformTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private const string TestProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>Exe</OutputType>
            <EnableMSTestRunner>true</EnableMSTestRunner>
            <IsTestProject>true</IsTestProject>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="MSTest.TestFramework" Version="4.5.3" />
            <PackageReference Include="MSTest.TestAdapter" Version="4.5.3" />
          </ItemGroup>
        </Project>
        """;

    [Fact]
    public void Dotnet_test_in_the_platforms_mode_records_each_test_session_as_a_test_only_run()
    {
        using var repo = new TestRepo(feed);
        repo.Write("global.json", """{ "test": { "runner": "Microsoft.Testing.Platform" } }""");
        repo.Write("src/Calc.Tests/Calc.Tests.csproj", TestProject);
        repo.Write("src/Calc.Tests/CalcTests.cs", """
            [Microsoft.VisualStudio.TestTools.UnitTesting.TestClass]
            public class CalcTests
            {
                [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]
                public void Answer() => Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(42, 6 * 7);

                [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]
                public void Wrong() => Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(1, 2);

                [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod, Microsoft.VisualStudio.TestTools.UnitTesting.Ignore]
                public void Later() { }
            }
            """);
        repo.Write("src/Other.Tests/Other.Tests.csproj", TestProject);
        repo.Write("src/Other.Tests/OtherTests.cs", """
            [Microsoft.VisualStudio.TestTools.UnitTesting.TestClass]
            public class OtherTests
            {
                [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]
                public void Fine() { }
            }
            """);
        repo.Write("all.slnx", """
            <Solution>
              <Project Path="src/Calc.Tests/Calc.Tests.csproj" />
              <Project Path="src/Other.Tests/Other.Tests.csproj" />
            </Solution>
            """);
        var id = TestRepo.Id("Calc.Tests");
        var otherId = TestRepo.Id("Other.Tests");

        // Node reuse is off through the environment: in this mode extra arguments go to the tests.
        var failing = Run(repo, "test", "--solution", "all.slnx");
        Assert.True(failing.ExitCode != 0, failing.Output);
        var failed = repo.Store().Get(id);
        Assert.Equal(["Setup", "Build", "Test", "Error"], failed.Transitions.Select(t => t.To));
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("1 of 3 tests failed (exit code 2)", failed.Run!.Reason);
        Assert.Equal((3, 1, 1, 1), (failed.Tests!.Total, failed.Tests.Passed, failed.Tests.Failed, failed.Tests.Skipped));
        var error = Assert.Single(failed.Errors);
        Assert.Equal(("Test", "TestingPlatform", "src/Calc.Tests/CalcTests.cs", 8), (error.Phase, error.Target, error.File, error.Line));
        Assert.StartsWith("CalcTests.Wrong: ", error.Message); // Type.Method, as every framework names it
        Assert.Equal(("true", "Microsoft.Testing.Platform", "2"), (failed.Metadata["msbuild.noBuild"], failed.Metadata["tests.platform"], failed.Metadata["tests.exitCode"]));
        var tested = Assert.Single(failed.Artifacts);
        Assert.Equal(("assembly", "src/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll"), (tested.Kind, tested.Path));

        // The build before the tests is a run of its own, as under `dotnet test --no-build` with
        // VSTest; one `dotnet test` is one invocation: its builds and its sessions share its run id.
        var history = repo.Store().GetHistory(id).Where(h => h.Kind == BuildState.Store.HistoryKinds.RunStarted).ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal([failed.RunId, failed.RunId], history.Select(h => h.RunId));
        var other = repo.Store().Get(otherId);
        Assert.Equal((RunStatus.Succeeded, "Complete", failed.RunId), (other.Status, other.Phase, other.RunId));

        // The Test phase starts when the session does: it holds the tests' time, Build none.
        Assert.True(failed.Resources.PhaseDurationsMs.TryGetValue("Test", out var testMs) && testMs > 0);
        Assert.True(!failed.Resources.PhaseDurationsMs.TryGetValue("Build", out var buildMs) || buildMs == 0);

        repo.Write("src/Calc.Tests/CalcTests.cs", File.ReadAllText(repo.Path_("src/Calc.Tests/CalcTests.cs")).Replace("AreEqual(1, 2)", "AreEqual(2, 2)"));
        var passing = Run(repo, "test", "--project", "src/Calc.Tests/Calc.Tests.csproj");
        Assert.True(passing.ExitCode == 0, passing.Output);
        var passed = repo.Store().Get(id);
        Assert.Equal(["Setup", "Build", "Test", "Cleanup", "Complete"], passed.Transitions.Select(t => t.To));
        Assert.Equal(RunStatus.Succeeded, passed.Status);
        Assert.Equal((3, 2, 0, 1), (passed.Tests!.Total, passed.Tests.Passed, passed.Tests.Failed, passed.Tests.Skipped));
        Assert.Empty(passed.Errors);

        // Without a build, the sessions of one `dotnet test` share an id of their own.
        var noBuild = Run(repo, "test", "--solution", "all.slnx", "--no-build");
        Assert.True(noBuild.ExitCode == 0, noBuild.Output);
        var (calcRun, otherRun) = (repo.Store().Get(id).RunId, repo.Store().Get(otherId).RunId);
        Assert.Equal(calcRun, otherRun);
        Assert.NotEqual(passed.RunId, calcRun);
        Assert.NotEqual(failed.RunId, calcRun);
        passed = repo.Store().Get(id);

        // The application run directly is a test session too; listing its tests is not.
        var app = repo.Path_("src/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll");
        Assert.Equal(0, Run(repo, app, "--list-tests").ExitCode);
        Assert.Equal(passed.RunId, repo.Store().Get(id).RunId);
        var direct = Run(repo, app);
        Assert.True(direct.ExitCode == 0, direct.Output);
        Assert.DoesNotContain("BST1010", direct.Output); // run directly, its standard error is shown
        var again = repo.Store().Get(id);
        Assert.NotEqual(passed.RunId, again.RunId);
        Assert.Equal(RunStatus.Succeeded, again.Status);

        // The hook compiles nothing again in a no-op build: its files in obj/ are left as they are,
        // and a design-time build in between (an IDE's) leaves the platform's list of hooks alone.
        repo.Ok("msbuild", "src/Calc.Tests/Calc.Tests.csproj", "-t:Compile", "-p:DesignTimeBuild=true", "-p:SkipCompilerExecution=true", "-p:ProvideCommandLineArgs=true");
        var noOp = repo.Ok("build", "src/Calc.Tests/Calc.Tests.csproj", "-v:n");
        Assert.Contains("Skipping target \"CoreCompile\" because all output files are up-to-date", noOp.Output);

        // The run starts with the session and belongs to the test process: a killed test process
        // leaves it Running in Test, and it is marked Interrupted as soon as the process is gone.
        repo.Write("src/Calc.Tests/SlowTests.cs", """
            [Microsoft.VisualStudio.TestTools.UnitTesting.TestClass]
            public class SlowTests
            {
                [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]
                public void WaitsWhenAsked()
                {
                    var until = System.Environment.GetEnvironmentVariable("BST_WAIT_FOR");
                    while (until != null && !System.IO.File.Exists(until)) System.Threading.Thread.Sleep(50);
                }

                [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]
                public void ExitsWhenAsked()
                {
                    if (System.Environment.GetEnvironmentVariable("BST_EXIT") != null) System.Environment.Exit(0);
                }
            }
            """);
        repo.Ok("build", "src/Calc.Tests/Calc.Tests.csproj");
        var slowInfo = DotNet.StartInfo(repo.Root, repo.NuGetPackages, app);
        slowInfo.Environment["BST_WAIT_FOR"] = repo.Path_("never");
        using (var slow = Process.Start(slowInfo)!)
        {
            slow.BeginOutputReadLine();
            slow.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(1);
            BuildRecord? testing = null;
            while (testing is null && DateTime.UtcNow < deadline)
            {
                testing = repo.Store().TryGet(id) is { Phase: "Test", Run: { EndedAt: null, Owner.ProcessId: var owner } } r && owner == slow.Id ? r : null;
                Thread.Sleep(100);
            }

            Assert.NotNull(testing);
            Assert.Equal(RunStatus.Running, testing.Status);
            slow.Kill();
            slow.WaitForExit();
        }

        // The recorder that started the run watches the test process, and closes the run once it is gone.
        var killedDeadline = DateTime.UtcNow.AddSeconds(30);
        while (repo.Store().Get(id).Run!.EndedAt is null && DateTime.UtcNow < killedDeadline)
        {
            Thread.Sleep(100);
        }

        var killed = repo.Store().Get(id);
        Assert.Equal((RunStatus.Interrupted, "Test"), (killed.Status, killed.Phase));
        Assert.StartsWith("the test process ended before its test session was recorded", killed.Run!.Reason);

        // `dotnet test` stopped alone (a signal to it, not to its process group). What it does then
        // depends on the moment (seen on this machine, the same code): it exits and leaves its tests
        // to go on without it (they end with exit code 1, an interruption, not a failure of theirs),
        // or exits and takes its test process with it, or waits for its tests to end.
        var release = repo.Path_("release");
        bool stopped;
        var orphanInfo = DotNet.StartInfo(repo.Root, repo.NuGetPackages, "test", "--project", "src/Calc.Tests/Calc.Tests.csproj", "--no-build");
        orphanInfo.Environment["BST_WAIT_FOR"] = release;
        using (var dotnetTest = Process.Start(orphanInfo)!)
        {
            dotnetTest.BeginOutputReadLine();
            dotnetTest.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (repo.Store().TryGet(id) is not { Phase: "Test", Run.EndedAt: null } && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }

            Assert.Equal("Test", repo.Store().Get(id).Phase);
            Process.Start("kill", ["-INT", dotnetTest.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            stopped = dotnetTest.WaitForExit(20_000);
            File.WriteAllText(release, "");
            Assert.True(stopped || dotnetTest.WaitForExit(60_000), "dotnet test did not end after its tests did");
        }

        var orphanDeadline = DateTime.UtcNow.AddMinutes(1);
        while (repo.Store().Get(id).Run!.EndedAt is null && DateTime.UtcNow < orphanDeadline)
        {
            Thread.Sleep(100);
        }

        var orphaned = repo.Store().Get(id);
        Assert.NotNull(orphaned.Run!.EndedAt);
        if (stopped)
        {
            // Either way an interruption: the tests left to end without it, or taken down with it.
            Assert.Equal(RunStatus.Interrupted, orphaned.Status);
            Assert.True(
                orphaned.Run.Reason!.StartsWith("the dotnet test that started these tests was stopped before they ended", StringComparison.Ordinal)
                || orphaned.Run.Reason.StartsWith("the test process ended before its test session was recorded", StringComparison.Ordinal),
                orphaned.Run.Reason);
        }

        // A test that ends the process cuts the session short: exit code 0, but not a success.
        var exitInfo = DotNet.StartInfo(repo.Root, repo.NuGetPackages, app);
        exitInfo.Environment["BST_EXIT"] = "1";
        Assert.Equal(0, DotNet.Run(exitInfo, TimeSpan.FromMinutes(2)).ExitCode);
        var cut = repo.Store().Get(id);
        Assert.Equal(RunStatus.Failed, cut.Status);
        Assert.StartsWith("the test process exited before its test session ended (exit code 0", cut.Run!.Reason);

        // A copy of the output run elsewhere is not the build its settings describe: not recorded, and said so.
        var copy = repo.Path_("copy");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(repo.Path_("src/Calc.Tests/bin/Debug/net10.0")))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var copied = Run(repo, Path.Combine(copy, "Calc.Tests.dll"));
        Assert.Equal(0, copied.ExitCode);
        Assert.Contains("warning BST1010: this test session was not recorded: this test application runs from " + Path.Combine(copy, "Calc.Tests.dll"), copied.Output);
        Assert.Equal(cut.RunId, repo.Store().Get(id).RunId);

        // Switched off, the application records nothing of its own.
        repo.Ok("build", "src/Calc.Tests/Calc.Tests.csproj", "-p:BuildStateTestingPlatformHook=false");
        var built = repo.Store().Get(id).RunId;
        Assert.Equal(0, Run(repo, app).ExitCode);
        Assert.Equal(built, repo.Store().Get(id).RunId);
        Assert.DoesNotContain("BuildState", File.ReadAllText(repo.Path_("src/Calc.Tests/obj/Debug/net10.0/SelfRegisteredExtensions.cs")));

        // MSBuild would read "no" as false; the switch takes true or false only.
        var no = repo.Dotnet("build", "src/Calc.Tests/Calc.Tests.csproj", "-p:BuildStateTestingPlatformHook=no");
        Assert.NotEqual(0, no.ExitCode);
        Assert.Contains("error BST1002: BuildStateTestingPlatformHook must be true or false, not 'no'", no.Output);
    }

    [Fact]
    public void The_recorder_marks_an_aborted_session_interrupted_and_a_session_without_tests_failed_and_refuses_bad_input_clearly()
    {
        using var repo = new TestRepo(feed, viaDirectoryBuildProps: false);
        var recorder = ExtractRecorder(repo, feed.Folder);
        repo.Write("src/App.Tests/App.Tests.csproj", "<Project />");
        var settings = repo.Path_("src/App.Tests/obj/buildstate-testing.settings");
        repo.Write("src/App.Tests/obj/buildstate-testing.settings", $"""
            Project={repo.Path_("src/App.Tests/App.Tests.csproj")}
            Configuration=Release
            TargetFramework=net10.0
            TestAssembly={repo.Path_("src/App.Tests/bin/App.Tests.dll")}
            """);
        var started = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("o");
        var id = TestRepo.Id("App.Tests", "Release");

        // An account the recorder takes (exit code 0), and the build as it then stands.
        BuildRecord Recorded(string account)
        {
            var result = Record(repo, recorder, settings, account);
            Assert.True(result.ExitCode == 0, result.Output);
            return repo.Store().Get(id);
        }

        var record = Recorded($"exit 3\nstarted {started}\nended {DateTimeOffset.UtcNow:o}\npassed 4\nfailed 0\nskipped 0\n");
        Assert.Equal((RunStatus.Interrupted, "Test"), (record.Status, record.Phase));
        Assert.Equal("the test session was aborted (exit code 3)", record.Run!.Reason);

        record = Recorded($"exit 8\nstarted {started}\npassed 0\nfailed 0\nskipped 0\n");
        Assert.Equal(RunStatus.Failed, record.Status);
        Assert.Equal("the test session ended with exit code 8 (no test ran)", record.Run!.Reason);

        // Tabs, line breaks and backslashes in a failure survive the trip; a newer hook's keys are skipped.
        record = Recorded($"exit 2\nstarted {started}\npassed 0\nfailed 1\nskipped 0\nflaky 3\nfailure A\\\\B\\tC\tFailed\tline one\\nline two\t\n");
        Assert.Equal("A\\B\tC: line one line two", Assert.Single(record.Errors).Message);

        // A session whose `dotnet test` is gone (its test process has another parent now, as when
        // `dotnet test` is killed alone and leaves its tests running): an interruption. The e2e
        // above meets this only when `dotnet test` happens to leave its tests behind.
        using (var orphan = Process.Start("sleep", "30")!)
        {
            record = Recorded($"exit 1\nstarted {started}\nlauncher dotnet-test\nprocess {orphan.Id}\npassed 1\nfailed 0\nskipped 0\n");
            orphan.Kill();
            Assert.Equal(RunStatus.Interrupted, record.Status);
            Assert.Equal("the dotnet test that started these tests was stopped before they ended (exit code 1)", record.Run!.Reason);
        }

        // Exit code 0 from a session the platform did not finish (a test called Environment.Exit).
        Assert.Equal(RunStatus.Failed, Recorded($"exit 0\nfinished 0\nstarted {started}\npassed 1\nfailed 0\nskipped 0\n").Status);

        var written = repo.Store().GetHistory(id).Count;
        var elsewhere = Record(repo, recorder, settings, $"exit 0\nstarted {started}\nassembly /somewhere/else/App.Tests.dll\n");
        Assert.Equal(1, elsewhere.ExitCode);
        Assert.Contains("this test application runs from /somewhere/else/App.Tests.dll, not from where it was built", elsewhere.Output);

        var noStart = Record(repo, recorder, settings, "exit 0\n");
        Assert.Equal(1, noStart.ExitCode);
        Assert.Contains("no 'started' line", noStart.Output);

        repo.Write("src/App.Tests/obj/buildstate-testing.settings", "Configuration=Release\nnot a setting\n");
        var bad = Record(repo, recorder, settings, $"exit 0\nstarted {started}\n");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains($"{settings}(2): expected Key=Value, found 'not a setting'", bad.Output);
        Assert.Equal(written, repo.Store().GetHistory(id).Count); // none of the three refused accounts wrote anything
    }

    private static DotNet.Result Run(TestRepo repo, params string[] args) => DotNet.Run(repo.Root, repo.NuGetPackages, TimeSpan.FromMinutes(5), args);

    /// <summary>The recorder as the package ships it, with the BuildState.Core beside it.</summary>
    private static string ExtractRecorder(TestRepo repo, string feedFolder)
    {
        var folder = repo.Path_("recorder");
        using var package = ZipFile.OpenRead(Path.Combine(feedFolder, $"BuildState.Sdk.{PackageFeed.Version}.nupkg"));
        foreach (var entry in package.Entries.Where(e => e.FullName.StartsWith("tasks/net10.0/", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 2))
        {
            Directory.CreateDirectory(folder);
            entry.ExtractToFile(Path.Combine(folder, entry.Name));
        }

        return Path.Combine(folder, "BuildState.Sdk.TestRecorder.dll");
    }

    private static DotNet.Result Record(TestRepo repo, string recorder, string settings, string account)
    {
        var info = DotNet.StartInfo(repo.Root, null, recorder, settings);
        info.RedirectStandardInput = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(account);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(60_000), "the recorder did not finish");
        return new DotNet.Result(process.ExitCode, output.Result + errors.Result);
    }
}
