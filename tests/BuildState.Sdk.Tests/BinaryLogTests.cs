using BuildState.Sdk.Tests.Infrastructure;
using Microsoft.Build.Logging.StructuredLogger;

namespace BuildState.Sdk.Tests;

/// <summary>
/// The binary log is MSBuild's own account of the build: every project it shows built must be in
/// the store, and each recorded phase must sit where the targets it stands for ran.
/// </summary>
public class BinaryLogTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Every_project_the_binary_log_shows_built_is_recorded_with_phases_at_their_targets()
    {
        using var repo = new TestRepo(feed);
        repo.Project("Core");
        repo.Project("Lib", references: "Core");
        repo.Project("App", exe: true, references: "Lib");
        repo.Ok("build", repo.Traversal(), "-m", "-bl:build.binlog");

        var build = BinaryLog.ReadBuild(repo.Path_("build.binlog"));
        Assert.True(build.Succeeded);
        // CoreCompile nodes that ran the compiler (a project asked again for its outputs shows a skipped one).
        var compiled = build.FindChildrenRecursive<Target>(t => t.Name == "CoreCompile" && t.Children.OfType<Microsoft.Build.Logging.StructuredLogger.Task>().Any(c => c.Name == "Csc")).ToList();
        Assert.Equal(3, compiled.Count);
        var store = repo.Store();
        foreach (var coreCompile in compiled)
        {
            var project = coreCompile.Project;
            var relative = Path.GetRelativePath(repo.Root, project.ProjectFile).Replace('\\', '/');
            var id = $"{relative}|Debug|net10.0";
            var record = store.Get(id); // every project the log shows built is in the store

            Target Of(string name) => project.FindChildrenRecursive<Target>(t => t.Name == name).First();
            DateTimeOffset At(string to) => record.Transitions.Single(t => t.To == to).At;
            var prepare = Of("PrepareForBuild");
            var buildTarget = Of("Build");

            // Setup: from just before BeforeBuild (a time the targets take there, first of Build's
            // dependencies; the run being started by a task there or before CoreCompile) until just
            // before CoreCompile.
            Assert.True(Utc(project.StartTime) - Slack <= At("Setup"), $"{id}: Setup began at {At("Setup"):O}, before the project did at {Utc(project.StartTime):O}");
            Assert.Equal(At("Setup"), record.Run!.StartedAt);
            Assert.True(At("Setup") <= Utc(Of("BeforeBuild").StartTime) + Slack, $"{id}: Setup began at {At("Setup"):O}, BeforeBuild at {Utc(Of("BeforeBuild").StartTime):O}");
            Assert.True(At("Setup") <= Utc(prepare.StartTime) + Slack, $"{id}: Setup began at {At("Setup"):O}, PrepareForBuild at {Utc(prepare.StartTime):O}");
            Assert.True(Utc(prepare.EndTime) <= At("Build") + Slack, $"{id}: Build began before PrepareForBuild ended");
            // Build: from just before CoreCompile until after the Build target.
            Assert.True(At("Build") <= Utc(coreCompile.StartTime) + Slack, $"{id}: Build began at {At("Build"):O}, CoreCompile at {Utc(coreCompile.StartTime):O}");
            Assert.True(Utc(coreCompile.EndTime) <= At("Cleanup") + Slack, $"{id}: Cleanup began before CoreCompile ended");
            Assert.True(Utc(buildTarget.EndTime) <= At("Cleanup") + Slack, $"{id}: Cleanup began before the Build target ended");
            Assert.True(At("Complete") <= Utc(build.EndTime) + Slack, $"{id}: Complete after the build ended");
        }

        Assert.Equal(3, store.List().Count); // and nothing the log did not build
    }

    private static DateTimeOffset Utc(DateTime time) =>
        new(time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime(), TimeSpan.Zero);
}
