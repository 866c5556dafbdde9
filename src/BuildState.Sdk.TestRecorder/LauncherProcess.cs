using System.Diagnostics;
using BuildState.Model;

namespace BuildState.Sdk.TestRecorder;

/// <summary>
/// The process that started a test application: under `dotnet test`, the `dotnet test` process,
/// which also ran the build's MSBuild entry node. Read from <c>/proc</c> (Linux); elsewhere unknown.
/// </summary>
internal static class LauncherProcess
{
    public static OwnerInfo? Of(int processId)
    {
        if (processId <= 0 || !OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            // Field 4 of stat, after the command name in parentheses (which may hold spaces).
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length < 2 || !int.TryParse(fields[1], out var parent) || parent <= 1)
            {
                return null;
            }

            return Owner(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone, or not ours to look at: no grouping by launcher
        }
    }

    /// <summary>A live process of this machine as a run's or an invocation's owner; null when it is gone.</summary>
    public static OwnerInfo? Owner(int processId)
    {
        if (processId <= 0)
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return new OwnerInfo
            {
                ProcessId = processId,
                Host = Environment.MachineName,
                ProcessStartedAt = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero),
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
