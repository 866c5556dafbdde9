using System.Diagnostics;
using BuildState.IO;

namespace BuildState.Model;

/// <summary>
/// Who owns a run or a lock: process id, host and the process's start time. The start time tells a
/// live owner from a new process that happens to reuse the same id.
/// </summary>
public sealed record OwnerInfo
{
    public int ProcessId { get; init; }

    public string Host { get; init; } = "";

    /// <summary>The owner process's start time, UTC, or null when it could not be read.</summary>
    public DateTimeOffset? ProcessStartedAt { get; init; }

    private static readonly Lazy<OwnerInfo> CurrentLazy = new(() => new OwnerInfo
    {
        ProcessId = Environment.ProcessId,
        Host = Environment.MachineName,
        ProcessStartedAt = ProcStat.Supported && ProcStat.TryRead(Environment.ProcessId, out var started, out _) ? started : StartTimeOfThisProcess(),
    });

    private static DateTimeOffset? StartTimeOfThisProcess()
    {
        using var self = Process.GetCurrentProcess();
        return TryStartTime(self);
    }

    /// <summary>This process.</summary>
    public static OwnerInfo Current => CurrentLazy.Value;

    /// <summary>
    /// Another live process of this machine, its start time read as for <see cref="Current"/> (so
    /// <see cref="ProcessLiveness"/> compares like with like); null when there is no such process.
    /// </summary>
    public static OwnerInfo? Of(int processId)
    {
        if (ProcStat.Supported)
        {
            return ProcStat.TryRead(processId, out var started, out var state) && state is not ('Z' or 'X')
                ? new OwnerInfo { ProcessId = processId, Host = Environment.MachineName, ProcessStartedAt = started }
                : null;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return new OwnerInfo { ProcessId = processId, Host = Environment.MachineName, ProcessStartedAt = TryStartTime(process) };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The id of a process's parent (Linux, from <c>/proc</c>); null elsewhere, or when the process is gone.</summary>
    public static int? ParentOf(int processId) =>
        OperatingSystem.IsLinux() && ProcStat.TryReadParent(processId, out var parent) && parent > 0 ? parent : null;

    /// <summary>
    /// The live processes connected to this one through its Unix domain sockets bound at a path of
    /// that file name (Linux: the kernel's record of who connected); empty elsewhere.
    /// </summary>
    public static List<OwnerInfo> ConnectedThrough(string socketFileName)
    {
        var connected = new List<OwnerInfo>();
        foreach (var pid in SocketPeers.Of(socketFileName))
        {
            if (Of(pid) is { } peer)
            {
                connected.Add(peer);
            }
        }

        return connected;
    }

    internal static DateTimeOffset? TryStartTime(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
