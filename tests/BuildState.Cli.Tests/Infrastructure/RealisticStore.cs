using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests.Infrastructure;

/// <summary>Several runs of five projects with realistic phase times (a controlled clock), one failing run.</summary>
public static class RealisticStore
{
    public static readonly string[] Projects =
    [
        "src/Core/Core.csproj|Release|net10.0",
        "src/Data/Data.csproj|Release|net10.0",
        "src/Web/Web.csproj|Release|net10.0",
        "tests/Web.Tests/Web.Tests.csproj|Release|net10.0",
        "tools/Gen/Gen.csproj|Release|net10.0",
    ];

    public static void Fill(TestStore test, int runs = 3)
    {
        var now = DateTimeOffset.UtcNow.AddHours(-runs);
        var store = BuildStore.Open(test.Root, new StoreOptions { Durability = Durability.None, Clock = () => now });
        var deps = new Dictionary<string, string[]>
        {
            [Projects[0]] = [],
            [Projects[1]] = [Projects[0]],
            [Projects[2]] = [Projects[0], Projects[1]],
            [Projects[3]] = [Projects[2]],
            [Projects[4]] = [Projects[0]],
        };
        var random = new Random(42);
        for (var run = 1; run <= runs; run++)
        {
            var runId = $"ci-{1000 + run}";
            var start = now;
            foreach (var (project, index) in Projects.Select((p, i) => (p, i)))
            {
                now = start.AddSeconds(index * 2.5 + random.NextDouble());
                store.StartRun(project, new StartRunRequest { RunId = runId, Dependencies = deps[project] });
                var failHere = run == runs - 1 && project == Projects[1];
                var phases = project.Contains("Tests", StringComparison.Ordinal) ? new[] { "Setup", "Build", "Test", "Cleanup", "Complete" } : ["Setup", "Build", "Cleanup", "Complete"];
                foreach (var phase in phases)
                {
                    now = now.AddSeconds(phase switch { "Build" => 1 + random.NextDouble(), "Cleanup" => 4 + random.NextDouble() * 6, "Test" => 9 + random.NextDouble() * 4, "Complete" => 0.5, _ => 0.4 });
                    if (failHere && phase == "Cleanup")
                    {
                        store.RecordError(project, new ErrorRecord { Code = "CS0246", Message = "The type or namespace name 'Repository' could not be found", File = "src/Data/Store.cs", Line = 41, Column = 17, Target = "CoreCompile" });
                        store.EndRun(project, RunOutcome.Failed);
                        break;
                    }

                    store.Transition(project, phase);
                    if (phase == "Cleanup" && project.Contains("Tests", StringComparison.Ordinal))
                    {
                        store.Update(project, r => r.Tests = new TestResults { Total = 120 + run, Passed = 118 + run, Skipped = 2 });
                    }

                    if (phase == "Cleanup")
                    {
                        var file = test.ArtifactPath($"out/{run}/{ReportName(project)}.dll");
                        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                        File.WriteAllBytes(file, new byte[1000 + (index * 7919)]);
                        store.RecordArtifacts(project, [new ArtifactInput(file, "assembly")]);
                    }
                }
            }

            now = now.AddMinutes(40);
        }
    }

    private static string ReportName(string id) => Path.GetFileNameWithoutExtension(id.Split('|')[0]);
}
