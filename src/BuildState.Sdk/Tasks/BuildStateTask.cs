using BuildState.Errors;
using BuildState.Sdk.Session;
using BuildState.Store;
using BuildState.Tables;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// What every BuildState task shares: finding the project's recording context and the rule that the
/// SDK never breaks a build because of its store. A store that cannot be used (read-only, full,
/// corrupt beyond repair, locked too long) gives one warning BST1001 and the build goes on; with
/// BuildStateStrict=true it is an error. Mistakes in the user's own use of the tasks (an illegal
/// transition, an unknown lifecycle) are always errors.
/// </summary>
public abstract class BuildStateTask : MSBuildTask, IGeneratedTask
{
    /// <summary>The project whose state the task works on; by default the project file the task is written in.</summary>
    public string? Project { get; set; }

    /// <summary>Fail instead of warn when the store cannot be used (BuildStateStrict).</summary>
    public bool Strict { get; set; }

    internal BuildSession Session => BuildSession.For(BuildEngine);

    // MSBuild sets a task's parameters, and reads its outputs, by reflection unless the task
    // implements IGeneratedTask; and .NET compiles a stub, at full optimization, for each property
    // accessor the second time it is called through reflection in a process (two for a setter).
    // For the SDK's two tasks per project that was about 20 stubs in each MSBuild node of every
    // build. So the tasks take their parameters here: the SDK's own name theirs
    // (SetParameter/GetParameter); any other (a custom target's task, seldom called) goes through
    // reflection as before.
    void IGeneratedTask.SetPropertyValue(TaskPropertyInfo property, object value)
    {
        if (!SetParameter(property.Name, value))
        {
            ReflectedProperty(property.Name).SetValue(this, value);
        }
    }

    object IGeneratedTask.GetPropertyValue(TaskPropertyInfo property) =>
        GetParameter(property.Name, out var value) ? value! : ReflectedProperty(property.Name).GetValue(this)!;

    private System.Reflection.PropertyInfo ReflectedProperty(string name) =>
        GetType().GetProperty(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
        ?? throw new InvalidOperationException($"{GetType().Name} has no parameter {name}");

    /// <summary>Sets the parameter <paramref name="name"/> (MSBuild has converted the value to its type); false when not one of this class's named ones.</summary>
    private protected virtual bool SetParameter(string name, object? value)
    {
        switch (name)
        {
            case nameof(Project):
                Project = (string?)value;
                return true;
            case nameof(Strict):
                Strict = (bool)value!;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads the output parameter <paramref name="name"/>; false when not one of this class's named ones.</summary>
    private protected virtual bool GetParameter(string name, out object? value)
    {
        value = null;
        return false;
    }

    /// <summary>The store a task is about to use before any context exists (set by BuildStateBeginRun), so a failure there degrades that store for the rest of the build.</summary>
    private protected string? StoreRootInUse { get; set; }

    public sealed override bool Execute()
    {
#if BUILDSTATE_DO_NOTHING_TASKS
        return true; // the benchmark's floor: the targets and task calls without any recording (BuildState.Sdk.csproj)
#else
        try
        {
            using var _ = SdkTrace.Time(GetType().Name);
            ReportBackgroundFailures();
            if (!TracksCommittedState)
            {
                Session.ForgetCommittedStates(); // this task may change a build: the next step reads it again
            }

            ExecuteCore();
        }
        catch (UserError e)
        {
            // The help link in the text too: MSBuild's console loggers do not print helpLink.
            // Where no position was given and the error is the project's that calls the task, the
            // call itself is the place: its line and column in that file.
            var (line, column) = e.Line == 0 && (string.IsNullOrEmpty(e.File) || string.Equals(e.File, BuildEngine.ProjectFileOfTaskNode, StringComparison.Ordinal))
                ? (BuildEngine.LineNumberOfTaskNode, BuildEngine.ColumnNumberOfTaskNode)
                : (e.Line, e.Column);
            Log.LogError(null, e.Code, null, HelpLinks.For(e.Code), string.IsNullOrEmpty(e.File) ? BuildEngine.ProjectFileOfTaskNode : e.File, line, column, 0, 0, HelpLinks.Append(e.Code, e.Message));
        }
        catch (BuildStateException e)
        {
            Degrade(e.FilePath, StoreErrorText.DescribeUnusable(e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Degrade(null, e.Message);
        }

        return !Log.HasLoggedErrors;
#endif
    }

    private protected abstract void ExecuteCore();

    /// <summary>
    /// For the tasks that open the store themselves: the project's store folder (remembered for
    /// BST1001), or null when the store is degraded in this build (warned once already).
    /// </summary>
    private protected string? UsableStoreRoot(string projectPath, string? configuredRoot)
    {
        Project = projectPath;
        var root = StoreLocator.StoreRoot(Path.GetDirectoryName(Path.GetFullPath(projectPath))!, configuredRoot);
        StoreRootInUse = root;
        return Session.IsDegraded(root, out _) ? null : root;
    }

    /// <summary>BuildStateDurability, or BST1002 naming the project.</summary>
    private protected static Durability ParseDurability(string value, string projectPath) =>
        RunStarter.TryParseDurability(value, out var durability)
            ? durability
            : throw new UserError("BST1002", RunStarter.BadDurability(value), projectPath);

    /// <summary>
    /// True for the SDK's own three tasks, which keep <see cref="ProjectContext.Committed"/> up to
    /// date; any other task (a custom target's transition, restore...) makes the next one read the
    /// state again.
    /// </summary>
    private protected virtual bool TracksCommittedState => false;

    /// <summary>
    /// The context BuildStateBeginRun made for this project instance, or null when recording is off
    /// for it (or failed); once the project's background commit, if any, has finished.
    /// </summary>
    private protected ProjectContext? FindContext()
    {
        var context = Session.Find(ContextKey(Project ?? BuildEngine.ProjectFileOfTaskNode));
        if (context?.BackgroundCommit is not null)
        {
            context.WaitForBackgroundCommit();
            ReportBackgroundFailures(); // its failure, if it failed, is this task's to report
        }

        // A project whose recording failed in the background records nothing more in this build,
        // and neither does one whose store failed inline (its run start, say): the context may
        // exist without a run, and every task does nothing once the store is degraded.
        return context is { RecordingFailed: false } && !Session.IsDegraded(context.StoreRoot, out _) ? context : null;
    }

    /// <summary>Background commits that failed since the last task (<see cref="BackgroundCommit"/>): one warning per store, which is then not used again in this build.</summary>
    private void ReportBackgroundFailures()
    {
        foreach (var (root, file, reason) in Session.TakeBackgroundFailures())
        {
            if (Session.IsDegraded(root, out _))
            {
                continue;
            }

            LogStoreUnusable(file, reason, strict: false); // strict builds never commit in the background
            Session.MarkDegraded(root, reason);
        }
    }

    private protected void Degrade(string? storePath, string reason)
    {
        var context = Session.Find(ContextKey(Project ?? BuildEngine.ProjectFileOfTaskNode)); // degraded or not
        var strict = Strict || context?.Strict == true;
        var root = context?.StoreRoot ?? StoreRootInUse;
        if (!strict && root is not null && Session.IsDegraded(root, out _))
        {
            return; // warned once already in this build (a background commit's failure, say)
        }

        LogStoreUnusable(storePath, reason, strict);
        if (root is not null)
        {
            Session.MarkDegraded(root, reason);
        }
    }

    private void LogStoreUnusable(string? storePath, string reason, bool strict)
    {
        var message = $"the build state store cannot be used, so this build is not recorded: {reason}";
        var link = HelpLinks.For("BST1001");
        if (strict)
        {
            Log.LogError(null, "BST1001", null, link, storePath ?? "", 0, 0, 0, 0, HelpLinks.Append("BST1001", message + " (BuildStateStrict is true)"));
        }
        else
        {
            Log.LogWarning(null, "BST1001", null, link, storePath ?? "", 0, 0, 0, 0, HelpLinks.Append("BST1001", message + " (set BuildStateStrict=true to fail instead)"));
        }
    }

    /// <summary>
    /// A project instance is its project file plus its global properties (inner builds of a
    /// multi-targeted project differ by TargetFramework there).
    /// </summary>
    private protected string ContextKey(string projectPath) =>
        ProjectContext.KeyOf(projectPath, BuildEngine is IBuildEngine6 engine6 ? engine6.GetGlobalProperties() : null);

    /// <summary>A mistake in how the tasks are used: always an error, strict or not.</summary>
    private protected sealed class UserError(string code, string message, string? file = null, int line = 0, int column = 0) : Exception(message)
    {
        public string Code { get; } = code;

        public string? File { get; } = file;

        public int Line { get; } = line;

        public int Column { get; } = column;
    }
}
