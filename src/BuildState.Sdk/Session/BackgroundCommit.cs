using BuildState.Errors;

namespace BuildState.Sdk.Session;

/// <summary>
/// A project's run start (Init, Setup) or its last commit of a successful build (outputs,
/// checkpoint, Cleanup and Complete), made on a background thread so the next project on the
/// build's critical path does not wait for its file work (docs/msbuild.md, "What is recorded, and when").
///
/// Order per project is kept: every later task of the same project instance, any task that may
/// change builds (a custom target's), and the end of the build wait for it first
/// (<see cref="ProjectContext.WaitForBackgroundCommit"/>). Times are the task's, not the commit's:
/// the store's clock reads <see cref="SdkClock"/>, which the commit sets to the moment the task ran.
/// A failure (any exception) is handed to the session and reported (warning BST1001, the store
/// then unused) by the next SDK task in this node; strict builds never commit in the background, so a failure there
/// fails the task that caused it.
/// </summary>
internal static class BackgroundCommit
{
    public static void Start(BuildSession session, ProjectContext context, Action commit)
    {
        context.WaitForBackgroundCommit();
        var at = DateTimeOffset.UtcNow;
        context.BackgroundCommit = Task.Run(() =>
        {
            using var _ = SdkTrace.Time("background.commit");
            SdkClock.At.Value = new SdkClock.Moment(at);
            try
            {
                commit();
            }
            catch (Exception e)
            {
                // Everything, not only the store's errors: an exception left in the task would
                // surface where the project's next step or the end of the build waits for it.
                // Inline, an unexpected one would fail the task (MSB4018); here it is the same
                // warning as an unusable store, so a bug of ours never breaks the build.
                context.RecordingFailed = true;
                var (file, reason) = e switch
                {
                    BuildStateException store => (store.FilePath, StoreErrorText.DescribeUnusable(store)),
                    IOException or UnauthorizedAccessException => (null, e.Message),
                    _ => (null, $"{e.GetType().Name}: {e.Message}"),
                };
                session.BackgroundFailed(context.StoreRoot, file, reason);
            }
        });
    }
}

/// <summary>The store's clock in the SDK: now, or the time of the task whose commit runs in the background.</summary>
internal static class SdkClock
{
    // Of a class, not DateTimeOffset?: AsyncLocal over a value type is JIT-compiled in each MSBuild node.
    public static readonly AsyncLocal<Moment?> At = new();

    public static DateTimeOffset Now() => At.Value?.Time ?? DateTimeOffset.UtcNow;

    public sealed record Moment(DateTimeOffset Time);
}
