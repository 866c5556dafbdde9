using System.Diagnostics;
using System.Text.Json;

namespace BuildState.Cli.Tests.Infrastructure;

/// <summary>Runs the real command: in-process with captured output, or as a real `dotnet buildstate.dll` process.</summary>
public static class Bs
{
    public sealed record Result(int Code, string Out, string Err)
    {
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;

        public override string ToString() => $"exit {Code}\n--- out\n{Out}\n--- err\n{Err}";
    }

    public static Result Run(string cwd, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, CliEnvironment.Captured(cwd, output, error));
        return new Result(code, output.ToString(), error.ToString());
    }

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "buildstate.dll");

    public static Process Start(string cwd, IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    public static Result RunProcess(string cwd, params string[] args) => RunProcess(cwd, null, args);

    public static Result RunProcess(string cwd, IDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(cwd, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"buildstate {string.Join(' ', args)} did not end in 60 s");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
