using System.Text;
using BuildState.Model;
using BuildState.Store;

// Drives the store the way the MSBuild SDK will: two projects, a successful run with artifacts and a
// checkpoint, a failed run with a compile error, then prints what the store holds.
// Usage: dotnet run --project samples/StoreDemo [-- REPO_DIR]   (default: a fresh temporary folder)
var repo = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(Path.GetTempPath(), "buildstate-demo-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(Path.Combine(repo, "src", "App", "bin"));
var store = BuildStore.Open(Path.Combine(repo, ".buildstate"), new StoreOptions { Durability = Durability.Full });

const string app = "src/App/App.csproj|Debug|net10.0";
const string lib = "src/Lib/Lib.csproj|Debug|net10.0";
var runId = DateTimeOffset.UtcNow.ToString("yyyyMMddTHHmmss") + "-demo";

store.StartRun(lib, new StartRunRequest { RunId = runId });
store.Transition(lib, "Setup");
store.Transition(lib, "Build");
store.RecordError(lib, new ErrorRecord { Code = "CS0103", Message = "The name 'Widget' does not exist in the current context", Target = "CoreCompile", File = "src/Lib/Widget.cs", Line = 12, Column = 9 });
store.EndRun(lib, RunOutcome.Failed);

store.StartRun(app, new StartRunRequest { RunId = runId, Dependencies = [lib] });
store.Transition(app, "Setup");
store.Transition(app, "Build");
var dll = Path.Combine(repo, "src", "App", "bin", "App.dll");
File.WriteAllText(dll, "not really an assembly, but bytes to hash");
store.RecordArtifacts(app, [new ArtifactInput(dll, "assembly")]);
var checkpoint = store.CreateCheckpoint(app, "after-build", copyArtifacts: true);
store.Transition(app, "Test");
store.Transition(app, "Cleanup");
store.Transition(app, "Complete");

Console.WriteLine($"Store: {store.Layout.Root}");
Console.WriteLine();
Console.WriteLine($"{"BUILD",-40} {"PHASE",-9} {"STATUS",-10} RUN");
foreach (var entry in store.List())
{
    Console.WriteLine($"{entry.Id,-40} {entry.Phase,-9} {entry.Status,-10} {entry.RunId}");
}

var record = store.Get(app);
Console.WriteLine();
Console.WriteLine($"{app}: {record.Transitions.Count} transitions, {record.Artifacts.Count} artifact(s), checkpoint {checkpoint.Id}");
foreach (var t in record.Transitions)
{
    Console.WriteLine($"  {t.At:HH:mm:ss.fff}  {t.From,-8} -> {t.To,-8} ({t.DurationMs:0.0} ms)");
}

foreach (var a in record.Artifacts)
{
    Console.WriteLine($"  artifact {a.Path} {a.Size} B sha256:{a.Sha256[..16]}...");
}

var failed = store.Get(lib);
Console.WriteLine($"{lib}: {failed.Status} in {failed.Phase}: {failed.Errors[0].Code} {failed.Errors[0].Message}");

Console.WriteLine();
Console.WriteLine("current_state.json of the app build:");
Console.WriteLine(Encoding.UTF8.GetString(File.ReadAllBytes(store.Layout.StateFile(BuildKey.For(app)))));

File.Delete(dll);
var restore = store.RestoreCheckpoint(app, "after-build", restoreArtifacts: true);
Console.WriteLine($"Deleted App.dll and restored checkpoint {restore.CheckpointId}: {string.Join(", ", restore.Restored)} back and verified.");

var report = new StoreValidator(store).Validate(new ValidationOptions { CheckArtifacts = true });
Console.WriteLine($"Validation: {(report.IsValid ? "valid" : "INVALID")} ({report.BuildsChecked} builds, {report.FilesChecked} files).");
foreach (var problem in report.Problems)
{
    Console.WriteLine($"  {problem}");
}

return report.IsValid ? 0 : 4;
