using System.Diagnostics;

namespace BuildState.Sdk.Session;

/// <summary>
/// Asks the C# compiler again, after a compile failed, for the error log the build did not write.
///
/// Why not always set ErrorLog: with an error log the compiler also reports suppressed diagnostics,
/// so it runs every analyzer, the disabled ones included: about 10-15% of every compile with the
/// SDK's default analyzers (docs/benchmarks.md). Failed compiles are the rare case, so only they
/// pay: the same command line (the Csc task's CommandLineArgs) is run once more, silently, with
/// /errorlog, and every file the compiler writes is sent to a scratch folder, so the build's own
/// outputs are never touched. Errors in the probe's own way only cost the error details.
/// </summary>
internal static class CompilerProbe
{
    // Options whose value is a file the compiler writes. An /errorlog of the project's own means
    // the SDK reads that log and never probes; it is dropped here all the same.
    private static readonly string[] WrittenFileOptions = ["out", "refout", "doc", "pdb", "generatedfilesout", "touchedfiles"];

    /// <summary>The probe's arguments: the build's, with written files redirected to <paramref name="scratch"/> and the error log added.</summary>
    public static List<string> Arguments(IEnumerable<string> buildArguments, string scratch, string errorLog)
    {
        var arguments = new List<string>();
        foreach (var argument in buildArguments)
        {
            if (OptionName(argument) is { } option)
            {
                if (option == "errorlog")
                {
                    continue;
                }

                if (Array.IndexOf(WrittenFileOptions, option) >= 0)
                {
                    // /out keeps its file name (it names the assembly, which diagnostics can
                    // depend on); the others go one folder down, so no two share a path.
                    var value = argument[(argument.IndexOf(':') + 1)..].Trim('"');
                    var name = Path.GetFileName(value.TrimEnd('/', '\\'));
                    var folder = option == "out" ? scratch : Path.Combine(scratch, option);
                    arguments.Add($"/{option}:{Quote(Path.Combine(folder, name.Length == 0 ? option : name))}");
                    continue;
                }
            }

            // The Csc task hands out each option as its command line had it (values quoted where
            // needed) but the source files without their quotes: unquoted, a space would split a
            // file in two, and a comma or semicolon separates files.
            arguments.Add(OptionName(argument) is null && !argument.StartsWith('"') ? Quote(argument) : argument);
        }

        arguments.Add($"/errorlog:{Quote(errorLog)},version=2.1");
        return arguments;
    }

    /// <summary>The name of a <c>/name:value</c> or <c>-name:value</c> option in lower case, or null for anything else (a source file).</summary>
    internal static string? OptionName(string argument)
    {
        if (argument.Length < 3 || (argument[0] != '/' && argument[0] != '-'))
        {
            return null;
        }

        var colon = argument.IndexOf(':');
        if (colon < 2)
        {
            return null;
        }

        // A Unix path with a colon in it (/src/a:b/File.cs): a separator before the colon, as the
        // compiler tells them apart.
        var separator = argument.IndexOf('/', 1);
        return argument[0] == '/' && separator > 0 && separator < colon ? null : argument[1..colon].ToLowerInvariant();
    }

    /// <summary>
    /// The compiler to run: the project's own choice (CscToolPath and CscToolExe, as the Csc task
    /// takes them), else the SDK's (bincore/csc.dll under RoslynTargetsPath, run by the dotnet
    /// host; csc.exe there under Visual Studio's MSBuild). Null when none is found.
    /// </summary>
    public static ProcessStartInfo? FindCompiler(string? toolPath, string? toolExe, string? roslynTargetsPath, string? dotnetHost)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(toolPath))
        {
            candidates.Add(Path.Combine(toolPath, string.IsNullOrEmpty(toolExe) ? "csc.dll" : toolExe));
            candidates.Add(Path.Combine(toolPath, "csc.exe"));
        }
        else if (!string.IsNullOrEmpty(roslynTargetsPath))
        {
            candidates.Add(Path.Combine(roslynTargetsPath, "bincore", "csc.dll"));
            candidates.Add(Path.Combine(roslynTargetsPath, "csc.exe"));
        }

        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            if (!candidate.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                return new ProcessStartInfo(candidate);
            }

            var host = string.IsNullOrEmpty(dotnetHost) ? DotnetOfThisProcess() : dotnetHost;
            var start = new ProcessStartInfo(host);
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(candidate);
            return start;
        }

        return null;
    }

    /// <summary>MSBuild on .NET runs in the dotnet host; fall back to the one on PATH.</summary>
    private static string DotnetOfThisProcess()
    {
        var self = Environment.ProcessPath;
        var name = Path.GetFileNameWithoutExtension(self);
        return self is not null && string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
    }

    /// <summary>
    /// Runs the compiler in <paramref name="workingDirectory"/> (the build's arguments are relative
    /// to the project) with a response file of <paramref name="arguments"/>, its output discarded.
    /// Returns a reason when the error log could not be made, or null.
    /// </summary>
    public static string? Run(ProcessStartInfo compiler, IReadOnlyList<string> arguments, string workingDirectory, string responseFile, bool shared, TimeSpan timeout)
    {
        // One argument per line, as the build wrote them (quotes inside them kept): the compiler
        // splits each line of a response file the way it splits a command line.
        foreach (var option in WrittenFileOptions)
        {
            Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(responseFile)!, option));
        }

        File.WriteAllLines(responseFile, arguments);
        compiler.ArgumentList.Add("/nologo");
        if (shared)
        {
            compiler.ArgumentList.Add("/shared"); // the compiler server the build itself used, when it is running
        }

        compiler.ArgumentList.Add("@" + responseFile);
        compiler.WorkingDirectory = workingDirectory;
        compiler.UseShellExecute = false;
        compiler.RedirectStandardOutput = true;
        compiler.RedirectStandardError = true;
        compiler.RedirectStandardInput = true;

        using var process = Process.Start(compiler);
        if (process is null)
        {
            return "the compiler did not start";
        }

        process.StandardInput.Close();
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it ended meanwhile
            }

            return $"the compiler took longer than {timeout.TotalSeconds:0} s";
        }

        process.WaitForExit(); // drains the redirected output
        return null;
    }

    private static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is ',' or ';') ? $"\"{path}\"" : path;
}
