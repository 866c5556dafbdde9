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

            using var process = Process.GetProcessById(parent);
            return new OwnerInfo
            {
                ProcessId = parent,
                Host = Environment.MachineName,
                ProcessStartedAt = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null; // gone, or not ours to look at: no grouping by launcher
        }
    }
}
