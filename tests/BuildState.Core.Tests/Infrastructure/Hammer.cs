using System.Diagnostics;

namespace BuildState.Core.Tests.Infrastructure;

/// <summary>Starts the StoreHammer helper as a real process.</summary>
public static class Hammer
{
    public static string DllPath
    {
        get
        {
            // tests/BuildState.Core.Tests/bin/<Configuration>/net10.0 -> tests/BuildState.StoreHammer/bin/<Configuration>/net10.0
            var here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var tfm = Path.GetFileName(here);
            var configuration = Path.GetFileName(Path.GetDirectoryName(here)!);
            var testsDir = Path.GetFullPath(Path.Combine(here, "..", "..", "..", ".."));
            var dll = Path.Combine(testsDir, "BuildState.StoreHammer", "bin", configuration, tfm, "BuildState.StoreHammer.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build tests/BuildState.StoreHammer first", dll);
        }
    }

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    /// <summary>Waits for a line on standard output (the helper's "I am ready" signal).</summary>
    public static void WaitForLine(Process process, string line, TimeSpan timeout)
    {
        var task = Task.Run(() =>
        {
            string? read;
            while ((read = process.StandardOutput.ReadLine()) is not null)
            {
                if (read == line)
                {
                    return true;
                }
            }

            return false;
        });
        if (!task.Wait(timeout) || !task.Result)
        {
            throw new TimeoutException($"the helper did not print '{line}': {process.StandardError.ReadToEnd()}");
        }
    }
}
