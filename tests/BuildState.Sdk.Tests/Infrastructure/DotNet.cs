using System.Diagnostics;
using System.Text;

namespace BuildState.Sdk.Tests.Infrastructure;

/// <summary>Runs the dotnet CLI as a real process with a clean MSBuild environment.</summary>
public static class DotNet
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Variables `dotnet test` sets for its test host that would steer a child build to the wrong MSBuild.</summary>
    private static readonly string[] Leaky =
    [
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly",
        "DOTNET_HOST_PATH", "VSTEST_HOST_DEBUG", "MSBUILDNOINPROCNODE", "BUILDSTATE_RUN_ID",
    ];

    public static ProcessStartInfo StartInfo(string workingDirectory, string? nugetPackages, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in Leaky)
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (nugetPackages is not null)
        {
            info.Environment["NUGET_PACKAGES"] = nugetPackages;
        }

        return info;
    }

    public static Result Run(string workingDirectory, string? nugetPackages, TimeSpan timeout, params string[] args) =>
        Run(StartInfo(workingDirectory, nugetPackages, args), timeout);

    public static Result Run(ProcessStartInfo info, TimeSpan timeout)
    {
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', info.ArgumentList)} did not finish in {timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }
}
