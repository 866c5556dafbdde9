using BuildState.Sdk.Session;
using Microsoft.Build.Framework;

namespace BuildState.Sdk.Tasks;

/// <summary>
/// After CoreBuild failed (its OnError), notes where: before its compile had succeeded, or after
/// it (the end of the build then records the outputs of a run that failed after its compile, and
/// says where it failed). After a failed CoreCompile, runs the compiler once more with an error log
/// so the failed run is recorded with each error's code, message and place (see
/// <see cref="CompilerProbe"/> for why the build's own compile does not write one). Called by the
/// SDK's targets; never fails the build (it already failed): a probe that cannot run only costs the
/// error details.
/// </summary>
public sealed class BuildStateProbeCompileErrors : BuildStateTask
{
    /// <summary>The Csc task's CommandLineArgs output (ProvideCommandLineArgs=true).</summary>
    public ITaskItem[] CommandLineArgs { get; set; } = [];

    /// <summary>The compiler's working directory in the build: its arguments are relative to it.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    public string? CscToolPath { get; set; }

    public string? CscToolExe { get; set; }

    public string? RoslynTargetsPath { get; set; }

    public string? DotnetHost { get; set; }

    public bool UseSharedCompilation { get; set; } = true;

    /// <summary>Folder for the probe's response file and the files the compiler writes (deleted afterwards).</summary>
    [Required]
    public string ScratchFolder { get; set; } = "";

    public int TimeoutSeconds { get; set; } = 300;

    /// <summary>CoreCompile succeeded or was skipped as up to date before CoreBuild failed: nothing to probe.</summary>
    public bool CompileSucceeded { get; set; }

    private protected override bool TracksCommittedState => true; // it changes no state

    private protected override void ExecuteCore()
    {
        // Noted whatever the store's state: the end of the build reads it, and it costs no store work.
        if (Session.Find(ContextKey(Project ?? BuildEngine.ProjectFileOfTaskNode)) is { } failed)
        {
            failed.CoreBuildFailed = true;
            failed.CompileFailed = !CompileSucceeded;
        }

        var context = FindContext();
        if (context is null || context.DefaultRunEnded || CompileSucceeded || string.IsNullOrEmpty(context.ErrorLogPath) || CommandLineArgs.Length == 0)
        {
            return;
        }

        if (CommandLineArgs.Any(a => CompilerProbe.OptionName(a.ItemSpec) == "errorlog"))
        {
            return; // the compile wrote an error log already (the project's own ErrorLog): that one is read
        }

        var compiler = CompilerProbe.FindCompiler(CscToolPath, CscToolExe, RoslynTargetsPath, DotnetHost);
        if (compiler is null)
        {
            Log.LogMessage(MessageImportance.Low, "BuildState: no C# compiler found to ask for the failed compile's error codes; the run is recorded as failed without them");
            return;
        }

        var scratch = Path.GetFullPath(ScratchFolder);
        try
        {
            File.Delete(context.ErrorLogPath); // never read a log an earlier build left
            context.ErrorLogIsProbes = true; // read at the end of the build, then deleted
            Directory.CreateDirectory(scratch);
            var arguments = CompilerProbe.Arguments(CommandLineArgs.Select(a => a.ItemSpec), scratch, context.ErrorLogPath);
            var failure = CompilerProbe.Run(
                compiler,
                arguments,
                ProjectDirectory,
                Path.Combine(scratch, "probe.rsp"),
                UseSharedCompilation,
                TimeSpan.FromSeconds(TimeoutSeconds));
            if (failure is not null)
            {
                Log.LogMessage(MessageImportance.Low, $"BuildState: the failed compile's error codes are not recorded: {failure}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            Log.LogMessage(MessageImportance.Low, $"BuildState: the failed compile's error codes are not recorded: {e.Message}");
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a scratch folder left in obj/ harms nothing; the next probe empties it
        }
    }
}
